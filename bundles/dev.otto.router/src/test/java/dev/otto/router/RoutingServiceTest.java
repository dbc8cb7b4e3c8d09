package dev.otto.router;

import static dev.otto.router.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.PolicyAudit;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.testing.Eventually;
import dev.otto.support.testing.MutableClock;

class RoutingServiceTest {

    private static final ModelRef A = ref("openai-codex/gpt-5.3-codex");
    private static final ModelRef B = ref("openai/gpt-5.2");
    private static final ModelRef C = ref("openai/gpt-5.4-mini");
    private static final ModelRef MISSING = ref("openai/gpt-5o");
    private static final ModelRef OTHER = ref("anthropic/claude-sonnet-4-5");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<TelemetryRecord> telemetry = Collections.synchronizedList(new ArrayList<>());
    private RoutingService router;

    /** Answers or fails per model, as told. */
    private static final class ScriptedInvoker implements ModelInvoker {
        private final Function<ModelRef, InvocationResult> script;
        final List<Invocation> seen = Collections.synchronizedList(new ArrayList<>());

        ScriptedInvoker(Function<ModelRef, InvocationResult> script) {
            this.script = script;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public boolean supports(ModelRef model) {
            return true;
        }

        @Override
        public InvocationResult invoke(Invocation invocation) throws InvocationFailure {
            seen.add(invocation);
            try {
                return script.apply(invocation.model());
            } catch (Failing failing) {
                throw failing.failure;
            }
        }
    }

    /** Carries a checked failure out of the script lambda. */
    private static final class Failing extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient InvocationFailure failure;

        Failing(InvocationFailure failure) {
            this.failure = failure;
        }
    }

    private static InvocationResult answer(ModelRef model) {
        return new InvocationResult("answer of " + model, 100, 20, model);
    }

    /** A classifier that knows HTTP statuses and timeouts, like the default one. */
    private static final FailureClassifier CLASSIFIER = failure -> {
        if (failure instanceof InvocationFailure) {
            InvocationFailure f = (InvocationFailure) failure;
            if (f.kind() == InvocationFailure.Kind.TIMEOUT) {
                return Optional.of(new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR));
            }
            if (f.kind() == InvocationFailure.Kind.AUTH) {
                return Optional.of(new Classification(ReasonCode.CAPACITY, ErrorClass.AUTH_ERROR));
            }
            if (f.kind() == InvocationFailure.Kind.CONNECTION) {
                return Optional.of(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR));
            }
            if (f.kind() == InvocationFailure.Kind.FIRST_TOKEN_TIMEOUT) {
                return Optional.of(new Classification(ReasonCode.TIMEOUT, ErrorClass.of("FirstTokenTimeout")));
            }
            if (f.kind() == InvocationFailure.Kind.INVALID_REQUEST) {
                return Optional.of(new Classification(ReasonCode.CAPACITY, ErrorClass.INVALID_REQUEST));
            }
            int status = f.httpStatus().orElse(0);
            if (status >= 500) {
                return Optional.of(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX));
            }
            if (status == 429) {
                return Optional.of(new Classification(ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED));
            }
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return Optional.of(new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR));
        }
        return Optional.empty();
    };

    /** A sink from a lambda (TelemetrySink also has name()). */
    private static TelemetrySink sink(String name, java.util.function.Consumer<TelemetryRecord> accept) {
        return new TelemetrySink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void accept(TelemetryRecord record) {
                accept.accept(record);
            }
        };
    }

    private static final RoutingService.Settings SETTINGS = new RoutingService.Settings(FlowDefaults.NONE,
            new RoutingSettings(List.of(A, B, C), Map.of(), 0, Duration.ofMinutes(1), Map.of()), "c000000000001");

    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-04T10:00:00Z"));

    @BeforeEach
    void setUp() {
        router = router(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "openai/gpt-5.2",
                "openai/gpt-5.4-mini", "anthropic/claude-sonnet-4-5"), clock);
    }

    private RoutingService router(dev.otto.api.catalog.CatalogSnapshot snapshot, java.time.Clock wallClock) {
        RoutingService made = new RoutingService(Fixtures.catalog(snapshot), Fixtures.logger(log), wallClock, SETTINGS);
        made.addClassifier(CLASSIFIER, Map.of("service.ranking", -100, "service.id", 1L));
        made.addSink(sink("recording", telemetry::add), Map.of("otto.plugin.name", "recording"));
        return made;
    }

    @AfterEach
    void tearDown() {
        router.deactivate();
    }

    private void invoker(ModelInvoker invoker) {
        router.addInvoker(invoker, Map.of("service.ranking", 0, "service.id", 2L));
    }

    private List<TelemetryRecord> awaitTelemetry(int count) {
        Eventually.await(count + " telemetry records", WAIT, () -> telemetry.size() >= count);
        return List.copyOf(telemetry);
    }

    private RunTelemetry awaitRun() {
        return (RunTelemetry) Eventually.value("a run record", WAIT,
                () -> telemetry.stream().filter(r -> r instanceof RunTelemetry).findFirst().orElse(null));
    }

    private static FallbackPolicy chainPolicy(List<ModelRef> chain) {
        return new FallbackPolicy() {
            @Override
            public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
                return chain;
            }

            @Override
            public boolean shouldContinue(Classification failure, int attemptNumber) {
                return true;
            }
        };
    }

    private static RunRequest coding() {
        return RunRequest.forTask(TaskType.CODING, "task-1", "write a parser");
    }

    @Test
    void aSuccessfulRunRecordsOneRunTelemetryAndNoFallback() throws Exception {
        invoker(new ScriptedInvoker(RoutingServiceTest::answer));
        RunResult result = router.run(RunRequest.forFlow(Flow.HEARTBEAT, "beat-1", "ping").withRouteType(RouteType.SUBSCRIPTION));
        assertThat(result.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(result.finalModel()).isEqualTo(B);
        assertThat(result.resolution().source()).isEqualTo(ResolutionSource.GLOBAL_DEFAULT);
        assertThat(result.text()).isEqualTo("answer of openai/gpt-5.2");
        RunTelemetry run = awaitRun();
        assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(run.routeType()).isEqualTo(RouteType.SUBSCRIPTION);
        assertThat(run.transitions()).isEmpty();
        assertThat(run.attemptCount()).isEqualTo(1);
        assertThat(run.tokensIn()).isEqualTo(100);
        assertThat(run.policyAudit()).as("only that no policy was bound").containsExactly(RoutingService.NO_FALLBACK_POLICY);
        assertThat(run.configVersion()).isEqualTo("c000000000001");
    }

    @Test
    void aWallClockSteppedBackDuringARunNeitherFailsAnAnswerNorDistortsTheRunsTimes() throws Exception {
        router.deactivate();
        // every read of this clock is an hour earlier than the one before (NTP or an operator stepping it back)
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.time.Clock stepping = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.parse("2026-11-22T12:00:00Z").minusSeconds(3600 * reads.getAndIncrement());
            }
        };
        router = router(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "openai/gpt-5.2",
                "openai/gpt-5.4-mini"), stepping);
        invoker(new ScriptedInvoker(model -> {
            if (model.equals(A)) {
                throw new Failing(InvocationFailure.http(500, null));
            }
            return answer(model);
        }));

        RunResult result = router.run(coding().withUserOverride(A));
        assertThat(result.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(result.finalModel()).as("the answer of the second model is the answer").isEqualTo(B);
        assertThat(result.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.duration().isNegative()).isFalse());
        RunTelemetry run = awaitRun();
        assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
        // the wall clock is read once per run; every later time is measured by the monotonic clock,
        // so the hour-long steps back reach neither the attempts' starts nor the run's length
        assertThat(result.attempts().get(0).startedAt()).isAfterOrEqualTo(run.startedAt())
                .isBefore(run.startedAt().plus(WAIT));
        assertThat(Duration.between(run.startedAt(), run.finishedAt())).isLessThan(WAIT);
        assertThat(result.attempts().get(1).startedAt()).isAfterOrEqualTo(result.attempts().get(0).startedAt())
                .isBeforeOrEqualTo(run.finishedAt());
        assertThat(run.attemptCount()).isEqualTo(2);
    }

    @Test
    void a500ThenA429ThenAnAnswerEmitsTwoFallbackEventsWithTheirReasons() throws Exception {
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            if (model.equals(A)) {
                throw new Failing(InvocationFailure.http(500, null));
            }
            if (model.equals(B)) {
                throw new Failing(InvocationFailure.http(429, Duration.ofSeconds(7)));
            }
            return answer(model);
        });
        invoker(invoker);
        RunResult result = router.run(coding().withUserOverride(A));
        assertThat(result.finalModel()).isEqualTo(C);
        assertThat(result.attempts()).extracting(a -> a.reason()).containsExactly(ReasonCode.PROVIDER_5XX,
                ReasonCode.CAPACITY, ReasonCode.NONE);
        List<TelemetryRecord> records = awaitTelemetry(3);
        assertThat(records.get(0)).isInstanceOf(FallbackEvent.class);
        FallbackEvent first = (FallbackEvent) records.get(0);
        assertThat(first.toWire()).containsEntry("event", "model_fallback").containsEntry("from", A.toString())
                .containsEntry("to", B.toString()).containsEntry("reason", "provider_5xx")
                .containsEntry("route_type", "api_key").containsEntry("error_class", "Provider5xx").containsEntry("attempt", 1);
        FallbackEvent second = (FallbackEvent) records.get(1);
        assertThat(second.reason()).isEqualTo(ReasonCode.CAPACITY);
        assertThat(second.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        RunTelemetry run = (RunTelemetry) records.get(2);
        assertThat(run.transitions()).hasSize(2);
        assertThat(run.finalModel()).isEqualTo(C);
        assertThat(run.selectedModel()).isEqualTo(A);
        assertThat(run.resolutionSource()).isEqualTo(ResolutionSource.USER_OVERRIDE);
        assertThat(run.policyAudit()).containsExactly(PolicyAudit.POLICY_OVERRIDE, RoutingService.NO_FALLBACK_POLICY,
                PolicyAudit.ROUTE_TYPE_DEFAULTED);
        assertThat(invoker.seen).extracting(Invocation::attempt).containsExactly(1, 2, 3);
    }

    @Test
    void theAttemptBudgetCutsThePlanAndExhaustionEndsOnTheLastModelTried() {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(A, B, C), Map.of(), 2, Duration.ofMinutes(1), Map.of()),
                "c000000000002");
        invoker(new ScriptedInvoker(model -> {
            throw new Failing(InvocationFailure.http(503, null));
        }));
        assertThatThrownBy(() -> router.run(coding().withUserOverride(A))).isInstanceOfSatisfying(RoutingException.class, e -> {
            assertThat(e.attempts()).extracting(a -> a.model()).containsExactly(A, B);
            assertThat(e.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(e.finalReason()).isEqualTo(ReasonCode.PROVIDER_5XX);
            assertThat(e.lastModel()).isEqualTo(B);
        });
        assertThat(router.plan(coding().withUserOverride(A)).policyAudit()).contains(PolicyAudit.ATTEMPT_BUDGET_APPLIED);
    }

    @Test
    void aPolicyThatStopsEndsTheRunAndSaysSoInTheAudit() throws Exception {
        router.setPolicy(new FallbackPolicy() {
            @Override
            public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
                return settings.fallbackChain();
            }

            @Override
            public boolean shouldContinue(Classification failure, int attemptNumber) {
                return !failure.errorClass().equals(ErrorClass.INVALID_REQUEST);
            }
        }, Map.of("service.ranking", -100, "service.id", 3L));
        invoker(new ScriptedInvoker(model -> {
            throw new Failing(InvocationFailure.of(InvocationFailure.Kind.INVALID_REQUEST, false));
        }));
        assertThatThrownBy(() -> router.run(coding().withUserOverride(A))).isInstanceOfSatisfying(RoutingException.class,
                e -> assertThat(e.attempts()).hasSize(1));
        RunTelemetry run = awaitRun();
        assertThat(run.policyAudit()).contains(PolicyAudit.POLICY_STOPPED);
        assertThat(run.errorClass()).isEqualTo(ErrorClass.INVALID_REQUEST);
        assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
    }

    @Test
    void anInvokerThatOverrunsTheDeadlineIsInterruptedAndTheRunTimesOut() throws Exception {
        invoker(new ScriptedInvoker(model -> {
            try {
                Thread.sleep(60_000); // ignores its deadline; the router's watchdog interrupts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return answer(model);
        }));
        RunRequest request = coding().withUserOverride(C).withDeadline(Duration.ofMillis(200));
        assertThatThrownBy(() -> router.run(request)).isInstanceOfSatisfying(RoutingException.class, e -> {
            assertThat(e.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
            assertThat(e.finalReason()).isEqualTo(ReasonCode.TIMEOUT);
        });
        assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt flag is cleared").isFalse();
        RunTelemetry run = awaitRun();
        assertThat(run.policyAudit()).contains(PolicyAudit.DEADLINE_EXCEEDED);
    }

    @Test
    void aModelNoInvokerSupportsFailsAsCapacityAndThePlanGoesOn() throws Exception {
        invoker(new ModelInvoker() {
            @Override
            public String name() {
                return "only-openai";
            }

            @Override
            public boolean supports(ModelRef model) {
                return model.providerId().equals("openai");
            }

            @Override
            public InvocationResult invoke(Invocation invocation) {
                return answer(invocation.model());
            }
        });
        RunResult result = router.run(coding().withUserOverride(A));
        assertThat(result.finalModel()).isEqualTo(B);
        assertThat(result.attempts().get(0).errorClass()).isEqualTo(ErrorClass.NO_INVOKER);
        assertThat(result.attempts().get(0).reason()).isEqualTo(ReasonCode.CAPACITY);
    }

    @Test
    void withoutAnyUsableModelTheRunFailsClearlyAndIsStillRecorded() throws Exception {
        router.deactivate();
        router = router(Fixtures.snapshot(null, "openai/gpt-5.2"), clock);
        invoker(new ScriptedInvoker(RoutingServiceTest::answer));
        assertThatThrownBy(() -> router.run(coding())).isInstanceOfSatisfying(RoutingException.class, e -> {
            assertThat(e.attempts()).isEmpty();
            assertThat(e.resolution()).isEmpty();
            assertThat(e.getCause()).hasMessageContaining("OpenCode has no global default model");
        });
        RunTelemetry run = awaitRun();
        assertThat(run.attemptCount()).isZero();
        assertThat(run.finalModel()).isNull();
        assertThat(run.routeType()).isEqualTo(RouteType.API_KEY);
        assertThat(run.policyAudit()).contains(PolicyAudit.ROUTE_TYPE_DEFAULTED);
    }

    @Test
    void aRunWithoutAModelKeepsTheRouteTypeItWasGiven() {
        router.deactivate();
        router = router(Fixtures.snapshot(null, "openai/gpt-5.2"), clock);
        assertThatThrownBy(() -> router.run(coding().withRouteType(RouteType.SUBSCRIPTION)))
                .isInstanceOf(RoutingException.class);
        RunTelemetry run = awaitRun();
        assertThat(run.routeType()).isEqualTo(RouteType.SUBSCRIPTION);
        assertThat(run.policyAudit()).doesNotContain(PolicyAudit.ROUTE_TYPE_DEFAULTED);
    }

    @Test
    void anUnavailableModelFallsBackToTheGlobalDefaultWithOneStructuredWarning() throws Exception {
        invoker(new ScriptedInvoker(RoutingServiceTest::answer));
        RunResult result = router.run(RunRequest.forFlow(Flow.SCHEDULED_TASKS, "job-7", "report").withJob(7, ref("openai/gpt-5o")));
        assertThat(result.resolution().source()).isEqualTo(ResolutionSource.UNAVAILABLE_FALLBACK);
        assertThat(result.attempts().get(0).model()).isEqualTo(B);
        assertThat(log).filteredOn(line -> line.contains("model_unavailable")).singleElement().satisfies(line -> assertThat(line)
                .startsWith("WARN {\"event\":\"model_unavailable\",\"requested_model\":\"openai/gpt-5o\","
                        + "\"flow\":\"scheduledTasks\",\"job_id\":7,\"catalog_age_ms\":"));
        RunTelemetry run = awaitRun();
        assertThat(run.requestedModel()).isEqualTo(ref("openai/gpt-5o"));
        assertThat(run.selectedModel()).isEqualTo(B);
        assertThat(run.policyAudit()).contains(PolicyAudit.MODEL_UNAVAILABLE);
    }

    @Test
    void aBlockedOrThrowingSinkNeitherFailsNorSlowsRunsAndDropsAreCounted() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TelemetrySink blocked = sink("blocked", record -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        TelemetrySink throwing = sink("throwing", record -> {
            throw new IllegalStateException("disk full");
        });
        router.addSink(blocked, Map.of("otto.plugin.name", "blocked"));
        router.addSink(throwing, Map.of("otto.plugin.name", "throwing"));
        invoker(new ScriptedInvoker(RoutingServiceTest::answer));
        int runs = RoutingService.SINK_QUEUE + 500;
        for (int i = 0; i < runs; i++) {
            assertThat(router.run(coding().withUserOverride(B)).outcome()).isEqualTo(RunOutcome.SUCCESS);
        }
        List<RoutingPlugins.PluginInfo> sinks = router.plugins().stream().filter(p -> p.kind().equals("sink")).toList();
        RoutingPlugins.PluginInfo blockedInfo = sinks.stream().filter(p -> p.name().equals("blocked")).findFirst().orElseThrow();
        assertThat(blockedInfo.dropped()).as("the blocked sink's queue overflowed").isGreaterThan(0);
        assertThat(blockedInfo.queued() + blockedInfo.dropped() + 1).isGreaterThanOrEqualTo(runs);
        Eventually.await("every record failed in the throwing sink", WAIT, () -> router.plugins().stream()
                .filter(p -> p.name().equals("throwing")).findFirst().orElseThrow().failed() >= runs);
        assertThat(log).anyMatch(line -> line.startsWith("WARN telemetry sink throwing failed"));
        never.countDown();
    }

    @Test
    void chainModelsTheCatalogLacksAreSkippedBeforeAnyAttemptAndCostNoAttempt() throws Exception {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(MISSING, ref("openai/gpt-9"), C), Map.of(), 0,
                Duration.ofMinutes(1), Map.of()), "c000000000003");
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            if (model.equals(B)) {
                throw new Failing(InvocationFailure.http(500, null));
            }
            return answer(model);
        });
        invoker(invoker);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RunResult result = router.run(coding(), recorder(heard));
        assertThat(invoker.seen).extracting(Invocation::model).as("no attempt on a model the catalog lacks")
                .containsExactly(B, C);
        assertThat(result.attempts()).extracting(Attempt::number).containsExactly(1, 2);
        assertThat(result.skipped()).containsExactly(SkippedModel.notInCatalog(MISSING),
                SkippedModel.notInCatalog(ref("openai/gpt-9")));
        assertThat(heard).containsExactly("skipped openai/gpt-5o not_in_catalog", "skipped openai/gpt-9 not_in_catalog",
                "start 1 openai/gpt-5.2", "failed 1 openai/gpt-5.2 provider_5xx next openai/gpt-5.4-mini",
                "start 2 openai/gpt-5.4-mini");
        RoutePlan plan = router.plan(coding());
        assertThat(plan.attempts()).containsExactly(B, C);
        assertThat(plan.skipped()).extracting(SkippedModel::reason).containsOnly(SkipReason.NOT_IN_CATALOG);
        assertThat(plan.policyAudit()).contains(PolicyAudit.CHAIN_MODEL_UNAVAILABLE);
        assertThat(plan.catalogSnapshotId()).isEqualTo("s000000000001");
        assertThat(awaitRun().policyAudit()).contains(PolicyAudit.CHAIN_MODEL_UNAVAILABLE);
    }

    @Test
    void whenNoChainModelIsInTheCatalogTheGlobalDefaultIsTheLastResort() throws Exception {
        router.configure(new FlowDefaults(Map.of(Flow.HEARTBEAT, C)), new RoutingSettings(List.of(MISSING), Map.of(), 0,
                Duration.ofMinutes(1), Map.of()), "c000000000004");
        invoker(new ScriptedInvoker(model -> {
            if (model.equals(C)) {
                throw new Failing(InvocationFailure.http(503, null));
            }
            return answer(model);
        }));
        RunRequest beat = RunRequest.forFlow(Flow.HEARTBEAT, "beat-2", "ping");
        RoutePlan plan = router.plan(beat);
        assertThat(plan.attempts()).containsExactly(C, B);
        assertThat(plan.policyAudit()).contains(PolicyAudit.GLOBAL_DEFAULT_LAST_RESORT, PolicyAudit.CHAIN_MODEL_UNAVAILABLE);
        assertThat(router.run(beat).finalModel()).isEqualTo(B);
    }

    @Test
    void aProviderLevelFailureSkipsThatProvidersOtherModelsInTheSameRun() throws Exception {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(B, C, OTHER), Map.of(), 0, Duration.ofMinutes(1),
                Map.of()), "c000000000005");
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            if (model.providerId().equals("openai")) {
                throw new Failing(InvocationFailure.of(InvocationFailure.Kind.AUTH, false));
            }
            return answer(model);
        });
        invoker(invoker);
        RunResult result = router.run(coding().withUserOverride(B));
        assertThat(invoker.seen).extracting(Invocation::model).containsExactly(B, OTHER);
        assertThat(result.finalModel()).isEqualTo(OTHER);
        assertThat(result.skipped()).containsExactly(new SkippedModel(C, SkipReason.PROVIDER_FAILED, ErrorClass.AUTH_ERROR,
                null));
        RunTelemetry run = awaitRun();
        assertThat(run.policyAudit()).contains(PolicyAudit.PROVIDER_SKIPPED);
        assertThat(run.transitions()).singleElement().satisfies(step -> assertThat(step.to()).isEqualTo(OTHER));
        // the skip depends on this run's own answers only: the next run tries openai again
        ScriptedInvoker fine = new ScriptedInvoker(RoutingServiceTest::answer);
        router.removeInvoker(invoker);
        invoker(fine);
        assertThat(router.run(coding().withUserOverride(B)).finalModel()).isEqualTo(B);
    }

    @Test
    void aRetryAfterCoolsTheModelDownForLaterRunsUntilThenAndNoLonger() throws Exception {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(B, C), Map.of(), 0, Duration.ofMinutes(1), Map.of(),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(60)), "c6");
        java.util.concurrent.atomic.AtomicInteger rateLimited = new java.util.concurrent.atomic.AtomicInteger();
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            if (model.equals(A) && rateLimited.getAndIncrement() == 0) {
                throw new Failing(InvocationFailure.http(429, Duration.ofSeconds(2)));
            }
            if (model.equals(B)) {
                throw new Failing(InvocationFailure.http(429, Duration.ofHours(1)));
            }
            return answer(model);
        });
        invoker(invoker);
        assertThat(router.run(coding().withUserOverride(A)).finalModel()).isEqualTo(C);
        assertThat(router.cooldowns()).extracting(Cooldown::model).containsExactly(A, B);
        Cooldown a = router.cooldowns().get(0);
        assertThat(Duration.between(clock.instant().plusSeconds(2), a.until())).as("2 s after the answer")
                .isBetween(Duration.ZERO, WAIT);
        assertThat(a.errorClass()).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(Duration.between(clock.instant().plusSeconds(60), router.cooldowns().get(1).until()))
                .as("capped by cooldownMax").isBetween(Duration.ZERO, WAIT);

        invoker.seen.clear();
        RunResult cooled = router.run(coding().withUserOverride(A));
        assertThat(invoker.seen).extracting(Invocation::model).as("both cooling models skipped").containsExactly(C);
        assertThat(cooled.skipped()).extracting(SkippedModel::reason).containsExactly(SkipReason.COOLING_DOWN,
                SkipReason.COOLING_DOWN);
        assertThat(router.plan(coding().withUserOverride(A)).skipped().get(0).until()).isEqualTo(a.until());

        clock.set(a.until());
        invoker.seen.clear();
        assertThat(router.run(coding().withUserOverride(A)).finalModel()).as("tried again once the time has come")
                .isEqualTo(A);
        assertThat(router.cooldowns()).extracting(Cooldown::model).containsExactly(B);
    }

    @Test
    void nothingCoolsDownWithoutARetryAfter() throws Exception {
        invoker(new ScriptedInvoker(model -> {
            if (model.equals(A)) {
                throw new Failing(InvocationFailure.http(429, null));
            }
            return answer(model);
        }));
        router.run(coding().withUserOverride(A));
        assertThat(router.cooldowns()).isEmpty();
    }

    @Test
    void aRunWhosePlanIsAllCoolingDownFailsAtOnceWithoutAnAttempt() throws Exception {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(), Map.of(), 0, Duration.ofMinutes(1), Map.of()),
                "c7");
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            throw new Failing(InvocationFailure.http(503, Duration.ofSeconds(30)));
        });
        invoker(invoker);
        assertThatThrownBy(() -> router.run(coding().withUserOverride(B))).isInstanceOf(RoutingException.class);
        invoker.seen.clear();
        assertThatThrownBy(() -> router.run(coding().withUserOverride(B))).isInstanceOfSatisfying(RoutingException.class,
                e -> {
                    assertThat(e.attempts()).isEmpty();
                    assertThat(e.finalErrorClass()).isEqualTo(RoutingService.COOLING_DOWN);
                    assertThat(e.skipped()).singleElement().satisfies(s -> assertThat(s.reason())
                            .isEqualTo(SkipReason.COOLING_DOWN));
                    assertThat(e.resolution()).isPresent();
                });
        assertThat(invoker.seen).isEmpty();
    }

    @Test
    void eachAttemptGetsTheConfiguredDeadlinesNotAShareOfTheRunDeadline() throws Exception {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(B, C), Map.of(), 0, Duration.ofMinutes(10),
                Map.of(), Duration.ofSeconds(7), Duration.ofSeconds(9), Duration.ofMinutes(2), Duration.ofMinutes(10)), "c8");
        ScriptedInvoker invoker = new ScriptedInvoker(model -> {
            if (!model.equals(C)) {
                throw new Failing(InvocationFailure.of(InvocationFailure.Kind.FIRST_TOKEN_TIMEOUT, true));
            }
            return answer(model);
        });
        invoker(invoker);
        router.run(coding().withUserOverride(A));
        assertThat(invoker.seen).hasSize(3).allSatisfy(invocation -> {
            assertThat(invocation.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(7));
            assertThat(invocation.stallTimeout()).isEqualTo(Duration.ofSeconds(9));
        });
        Invocation first = invoker.seen.get(0);
        assertThat(Duration.between(clock.instant(), first.deadline())).as("the whole attemptTimeout, not 10 min / 3")
                .isBetween(Duration.ofMinutes(2), Duration.ofMinutes(2).plusSeconds(5));
        RoutePlan plan = router.plan(coding().withDeadline(Duration.ofSeconds(5)));
        assertThat(plan.deadlines().run()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.deadlines().attempt()).as("inside the run deadline").isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.deadlines().firstToken()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theActiveRoutingIsThePolicysChainAndTheBudgetThatFollowsFromIt() {
        router.configure(FlowDefaults.NONE, RoutingSettings.DEFAULTS, "c9");
        assertThat(router.active().fallbackChain()).isEmpty();
        assertThat(router.active().attemptBudget()).isEqualTo(1);
        router.setPolicy(chainPolicy(List.of(A, B, MISSING)), Map.of("service.ranking", -100, "service.id", 4L,
                "otto.plugin.name", "openai-first"));
        assertThat(router.active().fallbackChain()).containsExactly(A, B, MISSING);
        assertThat(router.active().attemptBudget()).isEqualTo(4);
        assertThat(router.active().chainSource()).isEqualTo("policy openai-first");
    }

    private static RunObserver recorder(List<String> heard) {
        return new RunObserver() {
            @Override
            public void skipped(SkippedModel skipped) {
                heard.add("skipped " + skipped.model() + " " + skipped.reason().wireName());
            }

            @Override
            public void attemptStarted(int number, ModelRef model, java.time.Instant deadline) {
                heard.add("start " + number + " " + model);
            }

            @Override
            public void attemptFailed(Attempt failed, ModelRef next) {
                heard.add("failed " + failed.number() + " " + failed.model() + " " + failed.reason().wireName() + " next "
                        + next);
            }
        };
    }
}
