package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.support.testing.ReadmeTables;

/** The README's "When otto:ask finds no answer" table is what {@link FailureAdvice} says, row by row. */
class AskAdviceTableTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef MODEL = ModelRef.parse("openai/gpt-5.2");
    private static final SkippedModel COOLING = new SkippedModel(ModelRef.parse("openai/gpt-5.4"),
            SkipReason.COOLING_DOWN, ErrorClass.RATE_LIMITED, NOW.plusSeconds(102));

    private static RoutingException failedWith(String errorClass) {
        ErrorClass failure = ErrorClass.of(errorClass);
        return new RoutingException("r1", "t1", Resolution.of(MODEL, ResolutionSource.FLOW_DEFAULT), RunOutcome.FAILED,
                List.of(new Attempt(1, MODEL, ReasonCode.CAPACITY, failure, NOW, Duration.ofSeconds(1), 0, 0)),
                List.of(COOLING), ReasonCode.CAPACITY, failure, null);
    }

    /** The situations of the rows that are not one error class. */
    private static List<RoutingException> situation(String when) {
        switch (when) {
        case "Unknown or any other class":
            return List.of(failedWith("Unknown"), failedWith("SomethingNew"));
        case "outcome timed_out (any class)":
            return List.of(new RoutingException("r1", "t1", Resolution.of(MODEL, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.TIMED_OUT, List.of(new Attempt(1, MODEL, ReasonCode.PROVIDER_5XX,
                            ErrorClass.CONNECTION_ERROR, NOW, Duration.ofMinutes(10), 0, 0)),
                    List.of(), ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR, null));
        case "no attempt: every model cooling down":
            return List.of(new RoutingException("r1", "t1", Resolution.of(MODEL, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.FAILED, List.of(), List.of(new SkippedModel(MODEL, SkipReason.COOLING_DOWN,
                            ErrorClass.RATE_LIMITED, NOW.plusSeconds(300)), COOLING),
                    ReasonCode.CAPACITY, ErrorClass.of("CoolingDown"), null));
        case "no attempt: no model resolved":
            return List.of(new RoutingException("r1", "t1", null, RunOutcome.FAILED, List.of(), List.of(),
                    ReasonCode.CAPACITY, ErrorClass.UNKNOWN, new NoModelAvailableException("t1", null, null)),
                    new RoutingException("r1", "t1", RunOutcome.FAILED, List.of(), ReasonCode.CAPACITY,
                            ErrorClass.UNKNOWN, null));
        case "no attempt: openai/gpt-9 and the global default openai/gpt-5.2 not in the catalog":
            return List.of(new RoutingException("r1", "t1", null, RunOutcome.FAILED, List.of(), List.of(),
                    ReasonCode.CAPACITY, ErrorClass.UNKNOWN,
                    new NoModelAvailableException("t1", ModelRef.parse("openai/gpt-9"), MODEL)));
        default:
            List<RoutingException> each = new ArrayList<>();
            for (String errorClass : when.split(", ")) {
                each.add(failedWith(errorClass));
            }
            return each;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedRowIsWhatTheLineSays() {
        return ReadmeTables.table("when the run ended with").stream()
                .map(row -> DynamicTest.dynamicTest(row.get(0), () -> {
                    for (RoutingException failure : situation(row.get(0))) {
                        assertThat(FailureAdvice.of(failure, Flow.INTERACTIVE_ASSISTANT, RoutingSettings.DEFAULTS, NOW))
                                .as(row.get(0)).isEqualTo(row.get(1));
                    }
                }));
    }

    @Test
    void theTableCoversTheErrorClassesOttoNames() {
        List<String> documented = new ArrayList<>();
        ReadmeTables.table("when the run ended with").forEach(row -> documented.addAll(List.of(row.get(0).split(", "))));
        assertThat(documented).contains("TimeoutError", "Provider5xx", "RateLimited", "AuthError", "InvalidRequest",
                "ContextOverflow", "ConnectionError", "NoInvoker", "QuotaExceeded", "Overloaded", "ModelNotFound",
                "ContentFiltered", "MalformedResponse", "ProviderRetrying", "OutputLength", "ClientError");
    }

    @Test
    void withoutTheSettingsTheDeadlineIsNamedWithoutItsValue() {
        RoutingException timedOut = new RoutingException("r1", "t1", RunOutcome.TIMED_OUT, List.of(),
                ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, null);
        assertThat(FailureAdvice.of(timedOut, Flow.HEARTBEAT, null, NOW)).startsWith(
                "the run's deadline passed: raise modelManagement.routing.runDeadline");
    }

    @Test
    void noModelForAnotherFlowNamesThatFlowsDefault() {
        RoutingException none = new RoutingException("r1", "t1", RunOutcome.FAILED, List.of(), ReasonCode.CAPACITY,
                ErrorClass.UNKNOWN, new NoModelAvailableException("t1", null, null));
        assertThat(FailureAdvice.of(none, Flow.HEARTBEAT, RoutingSettings.DEFAULTS, NOW))
                .contains("set modelManagement.flowDefaults.heartbeat");
    }
}
