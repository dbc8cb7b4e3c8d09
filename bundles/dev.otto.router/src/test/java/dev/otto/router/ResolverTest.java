package dev.otto.router;

import static dev.otto.router.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.telemetry.PolicyAudit;

class ResolverTest {

    private static final ModelRef IN_CATALOG_1 = ref("openai/gpt-5.2");
    private static final ModelRef IN_CATALOG_2 = ref("openai/gpt-5.4-mini");
    private static final ModelRef IN_CATALOG_3 = ref("openai-codex/gpt-5.3-codex");
    private static final ModelRef MISSING = ref("openai/gpt-5o");
    private static final ModelRef GLOBAL = ref("openrouter/google/gemini-3-pro");

    /** One cell of the precedence table: null means "not given". */
    private enum Given { NONE, AVAILABLE, UNAVAILABLE }

    private static ModelRef model(Given given, ModelRef available) {
        return given == Given.NONE ? null : given == Given.AVAILABLE ? available : MISSING;
    }

    private static CatalogSnapshot catalog(Given global) {
        String globalDefault = global == Given.NONE ? null : global == Given.AVAILABLE ? GLOBAL.toString() : "openai/not-here";
        return Fixtures.snapshot(globalDefault, "openai/gpt-5.2", "openai/gpt-5.4-mini", "openai-codex/gpt-5.3-codex",
                "openrouter/google/gemini-3-pro");
    }

    /**
     * Every combination of user override, job model, flow default and global default, each absent,
     * available or not in the catalog: 81 rows, each with the source and model the rule demands.
     */
    @Test
    void thePrecedenceTableHoldsForEveryCombination() {
        int rows = 0;
        for (Given user : Given.values()) {
            for (Given job : Given.values()) {
                for (Given flow : Given.values()) {
                    for (Given global : Given.values()) {
                        rows++;
                        RunRequest request = RunRequest.forFlow(Flow.HEARTBEAT, "t-" + rows, "p");
                        if (model(job, IN_CATALOG_1) != null) {
                            request = request.withJob(3, model(job, IN_CATALOG_1));
                        }
                        if (model(user, IN_CATALOG_3) != null) {
                            request = request.withUserOverride(model(user, IN_CATALOG_3));
                        }
                        Map<Flow, ModelRef> defaults = new EnumMap<>(Flow.class);
                        if (model(flow, IN_CATALOG_2) != null) {
                            defaults.put(Flow.HEARTBEAT, model(flow, IN_CATALOG_2));
                        }
                        // the rule, stated once, independently of the implementation
                        Given chosenGiven = user != Given.NONE ? user : job != Given.NONE ? job : flow;
                        ResolutionSource expectedSource = user != Given.NONE ? ResolutionSource.USER_OVERRIDE
                                : job != Given.NONE ? ResolutionSource.JOB
                                : flow != Given.NONE ? ResolutionSource.FLOW_DEFAULT : ResolutionSource.GLOBAL_DEFAULT;
                        ModelRef expected = user != Given.NONE ? model(user, IN_CATALOG_3)
                                : job != Given.NONE ? model(job, IN_CATALOG_1) : model(flow, IN_CATALOG_2);
                        boolean needsGlobal = chosenGiven == Given.NONE || chosenGiven == Given.UNAVAILABLE;
                        if (chosenGiven == Given.UNAVAILABLE) {
                            expectedSource = ResolutionSource.UNAVAILABLE_FALLBACK;
                        }
                        RunRequest finalRequest = request;
                        if (needsGlobal && global != Given.AVAILABLE) {
                            assertThatThrownBy(() -> Resolver.resolve(finalRequest, new FlowDefaults(defaults),
                                    RoutingSettings.DEFAULTS, catalog(global))).as("row " + rows)
                                    .isInstanceOf(NoModelAvailableException.class)
                                    .hasMessageContaining("set \"model\" in OpenCode's opencode.json");
                            continue;
                        }
                        Decision decision = Resolver.resolve(request, new FlowDefaults(defaults), RoutingSettings.DEFAULTS,
                                catalog(global));
                        assertThat(decision.resolution().source()).as("row " + rows).isEqualTo(expectedSource);
                        assertThat(decision.resolution().ref()).as("row " + rows).isEqualTo(needsGlobal ? GLOBAL : expected);
                        assertThat(decision.audit().contains(PolicyAudit.MODEL_UNAVAILABLE)).as("row " + rows)
                                .isEqualTo(chosenGiven == Given.UNAVAILABLE);
                    }
                }
            }
        }
        assertThat(rows).isEqualTo(81);
    }

    @Test
    void withNothingConfiguredItIsExactlyTheOpenCodeGlobalDefault() {
        for (Flow flow : Flow.values()) {
            Decision decision = Resolver.resolve(RunRequest.forFlow(flow, "t", "p"), FlowDefaults.NONE, RoutingSettings.DEFAULTS,
                    catalog(Given.AVAILABLE));
            assertThat(decision.resolution().ref()).isEqualTo(GLOBAL);
            assertThat(decision.resolution().source()).isEqualTo(ResolutionSource.GLOBAL_DEFAULT);
            assertThat(decision.audit()).isEmpty();
        }
    }

    @Test
    void aTaskTypeUsesItsPolicyModelAndAUserOverrideThatDiffersIsAudited() {
        RoutingSettings routing = new RoutingSettings(List.of(), Map.of(TaskType.CODING, IN_CATALOG_3), 0,
                Duration.ofMinutes(10), Map.of());
        Decision policy = Resolver.resolve(RunRequest.forTask(TaskType.CODING, "t", "p"), FlowDefaults.NONE, routing,
                catalog(Given.AVAILABLE));
        assertThat(policy.resolution().source()).isEqualTo(ResolutionSource.TASK_POLICY);
        assertThat(policy.resolution().ref()).isEqualTo(IN_CATALOG_3);
        Decision same = Resolver.resolve(RunRequest.forTask(TaskType.CODING, "t", "p").withUserOverride(IN_CATALOG_3),
                FlowDefaults.NONE, routing, catalog(Given.AVAILABLE));
        assertThat(same.audit()).doesNotContain(PolicyAudit.POLICY_OVERRIDE);
        Decision different = Resolver.resolve(RunRequest.forTask(TaskType.CODING, "t", "p").withUserOverride(IN_CATALOG_1),
                FlowDefaults.NONE, routing, catalog(Given.AVAILABLE));
        assertThat(different.audit()).contains(PolicyAudit.POLICY_OVERRIDE);
        assertThat(different.explanation()).isEqualTo("the user asked for openai/gpt-5.2");
    }

    /** 1,000 generated cases, each decided twice: resolution and plan are a pure function of their inputs. */
    @Test
    void resolutionAndPlanArePureFunctionsOfTheirInputs() {
        Random random = new Random(20261121L);
        List<ModelRef> pool = List.of(IN_CATALOG_1, IN_CATALOG_2, IN_CATALOG_3, MISSING, GLOBAL);
        for (int i = 0; i < 1_000; i++) {
            RunRequest request = random.nextBoolean()
                    ? RunRequest.forFlow(Flow.values()[random.nextInt(Flow.values().length)], "t" + i, "p")
                    : RunRequest.forTask(TaskType.values()[random.nextInt(TaskType.values().length)], "t" + i, "p");
            if (random.nextBoolean()) {
                request = request.withJob(1 + random.nextInt(9), pool.get(random.nextInt(pool.size())));
            }
            if (random.nextInt(4) == 0) {
                request = request.withUserOverride(pool.get(random.nextInt(pool.size())));
            }
            Map<Flow, ModelRef> defaults = new EnumMap<>(Flow.class);
            for (Flow flow : Flow.values()) {
                if (random.nextBoolean()) {
                    defaults.put(flow, pool.get(random.nextInt(pool.size())));
                }
            }
            List<ModelRef> chain = new ArrayList<>();
            for (int n = random.nextInt(5); n > 0; n--) {
                chain.add(pool.get(random.nextInt(pool.size())));
            }
            int budget = random.nextInt(4);
            CatalogSnapshot snapshot = catalog(Given.values()[random.nextInt(3)]);
            RoutingSettings routing = new RoutingSettings(chain, Map.of(), budget, Duration.ofMinutes(1), Map.of());
            Object first = decideAndPlan(request, new FlowDefaults(defaults), routing, snapshot);
            Object second = decideAndPlan(request, new FlowDefaults(Map.copyOf(defaults)), routing, snapshot);
            assertThat(second).as("case " + i).isEqualTo(first);
        }
    }

    private static Object decideAndPlan(RunRequest request, FlowDefaults defaults, RoutingSettings routing, CatalogSnapshot snapshot) {
        try {
            Decision decision = Resolver.resolve(request, defaults, routing, snapshot);
            return List.of(decision, Planner.plan(decision.resolution().ref(), routing.fallbackChain(), routing.attemptBudget(),
                    snapshot, Map.of()));
        } catch (NoModelAvailableException e) {
            return e.getMessage();
        }
    }
}
