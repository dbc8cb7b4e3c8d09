package dev.otto.router;

import static dev.otto.router.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.telemetry.PolicyAudit;

/**
 * The router's memo of decisions ({@link DecisionMemo}) gives exactly the answers of a decision
 * taken afresh, and forgets them when the configuration, the catalog snapshot or the policy
 * changes. The reference is a second router whose memo is discarded before every call (it is
 * configured again with the same values, which is a new configuration object).
 */
class DecisionMemoTest {

    private static final ModelRef A = ref("openai-codex/gpt-5.3-codex");
    private static final ModelRef B = ref("openai/gpt-5.2");
    private static final ModelRef C = ref("openai/gpt-5.4-mini");
    private static final ModelRef D = ref("anthropic/claude-sonnet-4-5");
    private static final ModelRef MISSING = ref("openai/gpt-5o");
    private static final List<ModelRef> POOL = List.of(A, B, C, D, MISSING);

    private final List<RoutingService> routers = new ArrayList<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void tearDown() {
        routers.forEach(RoutingService::deactivate);
    }

    /** A catalog whose snapshot the test replaces, as a refresh does. */
    private static final class LiveCatalog implements ModelCatalog {
        final AtomicReference<CatalogSnapshot> current;

        LiveCatalog(CatalogSnapshot first) {
            current = new AtomicReference<>(first);
        }

        @Override
        public CatalogSnapshot snapshot() {
            return current.get();
        }

        @Override
        public CatalogFreshness freshness() {
            return CatalogFreshness.of(current.get(), Duration.ofHours(24));
        }

        @Override
        public CatalogSnapshot refresh() {
            return current.get();
        }
    }

    /** The shipped policy's behaviour in small: the configured chain, or a fixed one. */
    private static FallbackPolicy chainPolicy(List<ModelRef> whenNoneConfigured) {
        return new FallbackPolicy() {
            @Override
            public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
                return settings.fallbackChain().isEmpty() ? whenNoneConfigured : settings.fallbackChain();
            }

            @Override
            public boolean shouldContinue(Classification failure, int attemptNumber) {
                return true;
            }
        };
    }

    private static Map.Entry<Map<String, Object>, FallbackPolicy> bound(FallbackPolicy policy) {
        return Map.entry(Map.of("service.ranking", 0, "service.id", 9L), policy);
    }

    private RoutingService router(ModelCatalog catalog, FlowDefaults defaults, RoutingSettings routing, FallbackPolicy policy) {
        RoutingService router = new RoutingService();
        routers.add(router);
        router.logger = Fixtures.logger(log);
        router.catalog = catalog;
        router.configure(defaults, routing, "c000000000001");
        router.policy = policy == null ? null : bound(policy);
        router.invokers = List.of(Map.entry(Map.of("service.ranking", 0, "service.id", 2L), answering()));
        return router;
    }

    private static ModelInvoker answering() {
        return new ModelInvoker() {
            @Override
            public String name() {
                return "answering";
            }

            @Override
            public boolean supports(ModelRef model) {
                return true;
            }

            @Override
            public InvocationResult invoke(dev.otto.api.spi.Invocation invocation) {
                return new InvocationResult("answer", 1, 1, invocation.model());
            }
        };
    }

    private static ModelRef pick(Random random) {
        return POOL.get(random.nextInt(POOL.size()));
    }

    /** A request from small pools, so that many share some routing fields and differ in others. */
    private static RunRequest request(Random random, int i) {
        RunRequest request = random.nextBoolean()
                ? RunRequest.forFlow(Flow.values()[random.nextInt(Flow.values().length)], "t" + i, "prompt " + i)
                : RunRequest.forTask(TaskType.values()[random.nextInt(TaskType.values().length)], "t" + i, "prompt " + i);
        switch (random.nextInt(4)) {
            case 0 -> request = request.withJob(1 + random.nextInt(3), pick(random));
            case 1 -> request = request.withJob(1 + random.nextInt(3), null);
            default -> { }
        }
        if (random.nextInt(3) == 0) {
            request = request.withUserOverride(pick(random));
        }
        int routeType = random.nextInt(RouteType.values().length + 1);
        return routeType == 0 ? request : request.withRouteType(RouteType.values()[routeType - 1]);
    }

    /** The plan, or the message of the exception when nothing resolves. */
    private static Object planOrProblem(RoutingService router, RunRequest request) {
        try {
            return router.plan(request);
        } catch (NoModelAvailableException e) {
            return e.getMessage();
        }
    }

    private static Object resolutionOrProblem(RoutingService router, RunRequest request) {
        try {
            return router.resolve(request);
        } catch (NoModelAvailableException e) {
            return e.getMessage();
        }
    }

    /**
     * 60 generated configurations and catalogs, 300 generated requests each: the memoized plan and
     * resolution equal those of a decision taken afresh, on the first call and on later ones.
     */
    @Test
    void memoizedDecisionsAreThoseOfFreshOnes() {
        Random random = new Random(20261122L);
        int compared = 0;
        int unavailable = 0;
        for (int config = 0; config < 60; config++) {
            Map<Flow, ModelRef> flowDefaults = new EnumMap<>(Flow.class);
            for (Flow flow : Flow.values()) {
                if (random.nextBoolean()) {
                    flowDefaults.put(flow, pick(random));
                }
            }
            Map<TaskType, ModelRef> taskPolicies = new EnumMap<>(TaskType.class);
            for (TaskType type : TaskType.values()) {
                if (random.nextBoolean()) {
                    taskPolicies.put(type, pick(random));
                }
            }
            List<ModelRef> chain = new ArrayList<>();
            for (int n = random.nextInt(5); n > 0; n--) {
                chain.add(pick(random));
            }
            Map<String, RouteType> routeTypes = random.nextBoolean() ? Map.of("openai-codex", RouteType.SUBSCRIPTION) : Map.of();
            RoutingSettings routing = new RoutingSettings(chain, taskPolicies, random.nextInt(4), Duration.ofMinutes(1), routeTypes);
            FlowDefaults defaults = new FlowDefaults(flowDefaults);
            String global = random.nextInt(5) == 0 ? null : random.nextBoolean() ? "openai/gpt-5.2" : "openai/not-here";
            CatalogSnapshot snapshot = Fixtures.snapshot(global, "openai-codex/gpt-5.3-codex", "openai/gpt-5.2",
                    "openai/gpt-5.4-mini", "anthropic/claude-sonnet-4-5");
            FallbackPolicy policy = random.nextInt(4) == 0 ? null : chainPolicy(List.of(C, A));
            RoutingService memoized = router(Fixtures.catalog(snapshot), defaults, routing, policy);
            RoutingService fresh = router(Fixtures.catalog(snapshot), defaults, routing, policy);
            for (int i = 0; i < 300; i++) {
                RunRequest request = request(random, i);
                for (int call = 0; call < 2; call++) {
                    fresh.configure(defaults, routing, "c000000000001"); // a new configuration object: no memo
                    Object expected = planOrProblem(fresh, request);
                    assertThat(planOrProblem(memoized, request)).as("config %d, %s, call %d", config, request, call)
                            .isEqualTo(expected);
                    fresh.configure(defaults, routing, "c000000000001");
                    assertThat(resolutionOrProblem(memoized, request)).as("config %d, %s", config, request)
                            .isEqualTo(resolutionOrProblem(fresh, request));
                    compared++;
                    if (expected instanceof RoutePlan plan && plan.policyAudit().contains(PolicyAudit.MODEL_UNAVAILABLE)) {
                        unavailable++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(36_000);
        assertThat(unavailable).as("cases with an unavailable model").isGreaterThan(1_000);
    }

    @Test
    void runsUseTheSameDecisionAsPlans() throws Exception {
        RoutingSettings routing = new RoutingSettings(List.of(A, B), Map.of(TaskType.CODING, C), 0, Duration.ofMinutes(1), Map.of());
        RoutingService router = router(Fixtures.catalog(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex",
                "openai/gpt-5.2", "openai/gpt-5.4-mini")), FlowDefaults.NONE, routing, chainPolicy(List.of()));
        for (RunRequest request : List.of(RunRequest.forTask(TaskType.CODING, "t1", "p"),
                RunRequest.forTask(TaskType.CODING, "t2", "p").withJob(4, MISSING),
                RunRequest.forFlow(Flow.HEARTBEAT, "t3", "p").withUserOverride(A))) {
            RoutePlan plan = router.plan(request);
            for (int i = 0; i < 3; i++) {
                RunResult result = router.run(request);
                assertThat(result.resolution()).isEqualTo(plan.resolution());
                assertThat(result.finalModel()).isEqualTo(plan.attempts().get(0));
            }
        }
    }

    @Test
    void aNewConfigurationCatalogSnapshotOrPolicyIsUsedAtOnce() {
        CatalogSnapshot withA = Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "openai/gpt-5.2",
                "openai/gpt-5.4-mini");
        LiveCatalog catalog = new LiveCatalog(withA);
        RoutingSettings routing = new RoutingSettings(List.of(), Map.of(), 0, Duration.ofMinutes(1), Map.of());
        RoutingService router = router(catalog, new FlowDefaults(Map.of(Flow.HEARTBEAT, A)), routing, chainPolicy(List.of(C)));
        RunRequest heartbeat = RunRequest.forFlow(Flow.HEARTBEAT, "beat", "ping");
        assertThat(router.plan(heartbeat).attempts()).containsExactly(A, C);
        assertThat(router.plan(heartbeat).attempts()).containsExactly(A, C);

        // configuration: another flow default, then another chain and budget
        router.configure(new FlowDefaults(Map.of(Flow.HEARTBEAT, C)), routing, "c000000000002");
        assertThat(router.plan(heartbeat).attempts()).containsExactly(C);
        router.configure(new FlowDefaults(Map.of(Flow.HEARTBEAT, C)),
                new RoutingSettings(List.of(B, A), Map.of(), 1, Duration.ofMinutes(1), Map.of()), "c000000000003");
        assertThat(router.plan(heartbeat).attempts()).containsExactly(C);
        assertThat(router.plan(heartbeat).policyAudit()).contains(PolicyAudit.ATTEMPT_BUDGET_APPLIED);

        // catalog: a refresh without C makes it unavailable
        router.configure(new FlowDefaults(Map.of(Flow.HEARTBEAT, C)), routing, "c000000000004");
        assertThat(router.plan(heartbeat).attempts()).containsExactly(C);
        assertThat(router.resolve(heartbeat).source()).isEqualTo(ResolutionSource.FLOW_DEFAULT);
        catalog.current.set(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "openai/gpt-5.2"));
        assertThat(router.resolve(heartbeat).source()).isEqualTo(ResolutionSource.UNAVAILABLE_FALLBACK);
        assertThat(router.plan(heartbeat).attempts()).containsExactly(B, C);

        // policy: another one bound, then none
        router.policy = bound(chainPolicy(List.of(A)));
        assertThat(router.plan(heartbeat).attempts()).containsExactly(B, A);
        router.policy = bound(chainPolicy(List.of()));
        router.configure(new FlowDefaults(Map.of(Flow.HEARTBEAT, C)), routing, "c000000000005");
        assertThat(router.plan(heartbeat).attempts()).containsExactly(B);
        assertThat(router.plan(heartbeat).policyAudit()).doesNotContain(RoutingService.NO_FALLBACK_POLICY);
        // the same (empty) chain without a policy: a plan of its own, audited
        router.policy = null;
        assertThat(router.plan(heartbeat).attempts()).containsExactly(B);
        assertThat(router.plan(heartbeat).policyAudit()).contains(RoutingService.NO_FALLBACK_POLICY);
    }

    /** The policy sees the whole request: a plan is reused only for the chain it was built from. */
    @Test
    void aPolicyThatLooksAtThePromptIsAskedOnEveryCall() {
        FallbackPolicy byPrompt = new FallbackPolicy() {
            @Override
            public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
                return request.prompt().length() > 10 ? List.of(D) : new ArrayList<>(List.of(C));
            }

            @Override
            public boolean shouldContinue(Classification failure, int attemptNumber) {
                return true;
            }
        };
        RoutingService router = router(Fixtures.catalog(Fixtures.snapshot("openai/gpt-5.2", "openai/gpt-5.2",
                "openai/gpt-5.4-mini", "anthropic/claude-sonnet-4-5")), FlowDefaults.NONE, RoutingSettings.DEFAULTS, byPrompt);
        for (int i = 0; i < 3; i++) {
            assertThat(router.plan(RunRequest.forFlow(Flow.HEARTBEAT, "t", "short")).attempts()).containsExactly(B, C);
            assertThat(router.plan(RunRequest.forFlow(Flow.HEARTBEAT, "t", "a much longer prompt")).attempts())
                    .containsExactly(B, D);
        }
    }

    /** The structured warning is part of every call, memoized or not, with the request's own job id. */
    @Test
    void everyCallWithAnUnavailableModelLogsItsOwnWarning() throws Exception {
        RoutingService router = router(Fixtures.catalog(Fixtures.snapshot("openai/gpt-5.2", "openai/gpt-5.2")),
                FlowDefaults.NONE, RoutingSettings.DEFAULTS, null);
        RunRequest request = RunRequest.forFlow(Flow.SCHEDULED_TASKS, "job-7", "report").withJob(7, MISSING);
        router.plan(request);
        router.resolve(request);
        router.run(request);
        router.plan(request);
        router.run(RunRequest.forFlow(Flow.SCHEDULED_TASKS, "job-7b", "report").withJob(7, MISSING));
        assertThat(log).filteredOn(line -> line.contains("model_unavailable")).hasSize(5)
                .allSatisfy(line -> assertThat(line).contains("\"job_id\":7,\"catalog_age_ms\":"));
    }

    /** Requests with jobs beyond the memo's bound: still the right answers (the map is emptied and refilled). */
    @Test
    void manyJobsStayCorrectBeyondTheBound() {
        RoutingSettings routing = new RoutingSettings(List.of(C), Map.of(), 0, Duration.ofMinutes(1), Map.of());
        RoutingService router = router(Fixtures.catalog(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex",
                "openai/gpt-5.2", "openai/gpt-5.4-mini")), FlowDefaults.NONE, routing, null);
        for (int round = 0; round < 2; round++) {
            for (int job = 1; job <= 3 * DecisionMemo.MAX_OTHERS; job++) {
                ModelRef model = job % 3 == 0 ? A : job % 3 == 1 ? B : MISSING;
                RoutePlan plan = router.plan(RunRequest.forFlow(Flow.SCHEDULED_TASKS, "j" + job, "p").withJob(job, model));
                assertThat(plan.explanation()).startsWith("job " + job + " names " + model);
                assertThat(plan.attempts().get(0)).isEqualTo(model == MISSING ? B : model);
            }
        }
    }
}
