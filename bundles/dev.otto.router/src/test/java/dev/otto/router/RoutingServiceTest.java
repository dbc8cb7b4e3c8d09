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
import dev.otto.api.routing.ErrorClass;
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

class RoutingServiceTest {

    private static final ModelRef A = ref("openai-codex/gpt-5.3-codex");
    private static final ModelRef B = ref("openai/gpt-5.2");
    private static final ModelRef C = ref("openai/gpt-5.4-mini");
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

    @BeforeEach
    void setUp() {
        router = new RoutingService();
        router.logger = Fixtures.logger(log);
        router.catalog = Fixtures.catalog(Fixtures.snapshot("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "openai/gpt-5.2",
                "openai/gpt-5.4-mini"));
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(A, B, C), Map.of(), 0, Duration.ofMinutes(1), Map.of()),
                "c000000000001");
        router.classifiers = List.of(Map.entry(Map.of("service.ranking", -100, "service.id", 1L), CLASSIFIER));
        router.addSink(sink("recording", telemetry::add), Map.of("otto.plugin.name", "recording"));
    }

    @AfterEach
    void tearDown() {
        router.deactivate();
    }

    private void invoker(ModelInvoker invoker) {
        router.invokers = List.of(Map.entry(Map.of("service.ranking", 0, "service.id", 2L), invoker));
    }

    private List<TelemetryRecord> awaitTelemetry(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (telemetry.size() < count) {
            assertThat(System.nanoTime() - deadline).as("telemetry records: " + telemetry).isNegative();
            Thread.sleep(5);
        }
        return List.copyOf(telemetry);
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
        RunTelemetry run = (RunTelemetry) awaitTelemetry(1).get(0);
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
        RoutingService steppingRouter = new RoutingService(stepping);
        steppingRouter.logger = router.logger;
        steppingRouter.catalog = router.catalog;
        steppingRouter.configure(FlowDefaults.NONE, new RoutingSettings(List.of(A, B, C), Map.of(), 0,
                Duration.ofMinutes(1), Map.of()), "c000000000001");
        steppingRouter.classifiers = router.classifiers;
        steppingRouter.addSink(sink("recording", telemetry::add), Map.of("otto.plugin.name", "recording"));
        steppingRouter.invokers = List.of(Map.entry(Map.of("service.ranking", 0, "service.id", 2L),
                new ScriptedInvoker(model -> {
                    if (model.equals(A)) {
                        throw new Failing(InvocationFailure.http(500, null));
                    }
                    return answer(model);
                })));
        router = steppingRouter;

        RunResult result = router.run(coding().withUserOverride(A));
        assertThat(result.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(result.finalModel()).as("the answer of the second model is the answer").isEqualTo(B);
        assertThat(result.attempts()).hasSize(2).allSatisfy(a -> assertThat(a.duration().isNegative()).isFalse());
        RunTelemetry run = (RunTelemetry) awaitTelemetry(2).stream().filter(r -> r instanceof RunTelemetry)
                .findFirst().orElseThrow();
        assertThat(run.finishedAt()).isAfterOrEqualTo(run.startedAt());
        // the wall clock is read once per run; every later time is measured by the monotonic clock,
        // so the hour-long steps back reach neither the attempts' starts nor the run's length
        assertThat(result.attempts().get(0).startedAt()).isEqualTo(run.startedAt());
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
        router.policy = Map.entry(Map.of("service.ranking", -100, "service.id", 3L), new FallbackPolicy() {
            @Override
            public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
                return settings.fallbackChain();
            }

            @Override
            public boolean shouldContinue(Classification failure, int attemptNumber) {
                return !failure.errorClass().equals(ErrorClass.INVALID_REQUEST);
            }
        });
        invoker(new ScriptedInvoker(model -> {
            throw new Failing(InvocationFailure.of(InvocationFailure.Kind.INVALID_REQUEST, false));
        }));
        assertThatThrownBy(() -> router.run(coding().withUserOverride(A))).isInstanceOfSatisfying(RoutingException.class,
                e -> assertThat(e.attempts()).hasSize(1));
        RunTelemetry run = (RunTelemetry) awaitTelemetry(1).get(0);
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
        RunTelemetry run = (RunTelemetry) awaitTelemetry(1).stream().filter(r -> r instanceof RunTelemetry).findFirst().orElseThrow();
        assertThat(run.policyAudit()).contains(PolicyAudit.DEADLINE_EXCEEDED);
    }

    @Test
    void aModelNoInvokerSupportsFailsAsCapacityAndThePlanGoesOn() throws Exception {
        router.invokers = List.of(Map.entry(Map.of("service.ranking", 0, "service.id", 2L), new ModelInvoker() {
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
        }));
        RunResult result = router.run(coding().withUserOverride(A));
        assertThat(result.finalModel()).isEqualTo(B);
        assertThat(result.attempts().get(0).errorClass()).isEqualTo(ErrorClass.NO_INVOKER);
        assertThat(result.attempts().get(0).reason()).isEqualTo(ReasonCode.CAPACITY);
    }

    @Test
    void withoutAnyUsableModelTheRunFailsClearlyAndIsStillRecorded() throws Exception {
        router.catalog = Fixtures.catalog(Fixtures.snapshot(null, "openai/gpt-5.2"));
        invoker(new ScriptedInvoker(RoutingServiceTest::answer));
        assertThatThrownBy(() -> router.run(coding())).isInstanceOfSatisfying(RoutingException.class, e -> {
            assertThat(e.attempts()).isEmpty();
            assertThat(e.getCause()).hasMessageContaining("OpenCode has no global default model");
        });
        RunTelemetry run = (RunTelemetry) awaitTelemetry(1).get(0);
        assertThat(run.attemptCount()).isZero();
        assertThat(run.finalModel()).isNull();
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
        RunTelemetry run = (RunTelemetry) awaitTelemetry(1).get(0);
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
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (router.plugins().stream().filter(p -> p.name().equals("throwing")).findFirst().orElseThrow().failed() < runs) {
            assertThat(System.nanoTime() - deadline).isNegative();
            Thread.sleep(5);
        }
        assertThat(log).anyMatch(line -> line.startsWith("WARN telemetry sink throwing failed"));
        never.countDown();
    }
}
