package dev.otto.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunDeadlines;
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.model.RouteType;
import dev.otto.support.testing.MutableClock;

class AskCommandsTest {

    private static final Instant T = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef A = ModelRef.parse("openai-codex/gpt-5.3-codex");
    private static final ModelRef B = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef C = ModelRef.parse("openai/gpt-5o");
    private static final ModelRef D = ModelRef.parse("openai-codex/gpt-5.4");
    private static final ModelRef GLOBAL = ModelRef.parse("stub/echo-1");
    /** What a provider might say; it must never reach the operator. */
    private static final String PROVIDER_TEXT = "upstream said: invalid key sk-live-1234 for org acme";

    private final MutableClock clock = new MutableClock(T);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // not auto-flushing and buffered: a progress line is visible only if the command flushes it
    private final PrintStream console = new PrintStream(new BufferedOutputStream(bytes, 8192), false, UTF_8);

    private String printed() {
        return bytes.toString(UTF_8);
    }

    private static Attempt failed(int number, ModelRef model, ReasonCode reason, String errorClass, long millis) {
        return new Attempt(number, model, reason, ErrorClass.of(errorClass), T, Duration.ofMillis(millis), 0, 0);
    }

    private static Attempt answered(int number, ModelRef model, long millis) {
        return new Attempt(number, model, ReasonCode.NONE, null, T, Duration.ofMillis(millis), 120, 35);
    }

    /** The part of a router the command uses, with a body the test gives; the command's own logic is what is tested. */
    private interface Run {
        RunResult run(RunRequest request, RunObserver observer) throws RoutingException;
    }

    private static ModelRouter router(Run body, ModelRef requestedInPlan) {
        return new ModelRouter() {
            @Override
            public RunResult run(RunRequest request) throws RoutingException {
                throw new AssertionError("otto:ask runs with an observer");
            }

            @Override
            public RunResult run(RunRequest request, RunObserver observer) throws RoutingException {
                return body.run(request, observer);
            }

            @Override
            public RoutePlan plan(RunRequest request) {
                return new RoutePlan(Resolution.of(GLOBAL, ResolutionSource.UNAVAILABLE_FALLBACK), requestedInPlan,
                        "the flow default is not in the catalog", List.of(GLOBAL), List.of(), RouteType.API_KEY,
                        List.of("model_unavailable"), "snap-1",
                        new RunDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(5),
                                Duration.ofMinutes(10)));
            }

            @Override
            public ActiveRouting active() {
                return new ActiveRouting(RoutingSettings.DEFAULTS, "c1", List.of(A, B, C), "policy openai-first", 4);
            }
        };
    }

    private AskCommands ask(Run body) {
        return new AskCommands(router(body, null), clock, () -> console);
    }

    @Test
    void theAnswerThenOneLineWithModelAttemptsFallbacksTokensAndTime() {
        AtomicReference<RunRequest> seen = new AtomicReference<>();
        String out = ask((request, observer) -> {
            seen.set(request);
            clock.advance(Duration.ofMillis(1_400));
            return new RunResult("r1", request.taskId(), Resolution.of(A, ResolutionSource.USER_OVERRIDE), B,
                    List.of(failed(1, A, ReasonCode.PROVIDER_5XX, "Provider5xx", 300), answered(2, B, 900)),
                    RunOutcome.SUCCESS, "Here is the answer.\n", 120, 35, List.of(SkippedModel.notInCatalog(C)));
        }).ask(A.toString(), "interactiveAssistant", false, "", "what", "changed?");
        assertThat(out).isEqualTo("Here is the answer." + System.lineSeparator()
                + "-- answered by openai/gpt-5.2 instead of openai-codex/gpt-5.3-codex, 2 attempts "
                + "(openai-codex/gpt-5.3-codex -> openai/gpt-5.2: provider_5xx (Provider5xx)), "
                + "skipped openai/gpt-5o (not in the catalog), 1.4s, 120 in / 35 out tokens");
        assertThat(seen.get().flow()).isEqualTo(Flow.INTERACTIVE_ASSISTANT);
        assertThat(seen.get().userOverride()).isEqualTo(A);
        assertThat(seen.get().prompt()).isEqualTo("what changed?");
    }

    @Test
    void anAnswerFromTheResolvedModelSaysNoInsteadOf() {
        String out = ask((request, observer) -> new RunResult("r1", request.taskId(),
                Resolution.of(B, ResolutionSource.FLOW_DEFAULT), B, List.of(answered(1, B, 800)), RunOutcome.SUCCESS,
                "ok", 120, 35)).ask("", "interactiveAssistant", false, "", "hi");
        assertThat(out).endsWith("-- openai/gpt-5.2, 1 attempt, 0ms, 120 in / 35 out tokens").doesNotContain("instead");
    }

    @Test
    void aModelNotInTheCatalogIsNamedWhenTheGlobalDefaultAnswersInstead() {
        ModelRef missing = ModelRef.parse("openai/gpt-9");
        Run globalAnswers = (request, observer) -> new RunResult("r1", request.taskId(),
                Resolution.of(GLOBAL, ResolutionSource.UNAVAILABLE_FALLBACK), GLOBAL, List.of(answered(1, GLOBAL, 50)),
                RunOutcome.SUCCESS, "echo", 1, 1);
        String withModel = ask(globalAnswers).ask(missing.toString(), "interactiveAssistant", false, "", "hi");
        assertThat(withModel).endsWith("-- answered by stub/echo-1 instead of openai/gpt-9 (openai/gpt-9 is not in "
                + "the catalog, so the run began with the global default stub/echo-1), 1 attempt, 0ms, 1 in / 1 out tokens");

        // without --model, the flow default the catalog lacks is the plan's requested model
        String withFlowDefault = new AskCommands(router(globalAnswers, B), clock, () -> console)
                .ask("", "interactiveAssistant", false, "", "hi");
        assertThat(withFlowDefault).contains("answered by stub/echo-1 instead of openai/gpt-5.2 (openai/gpt-5.2 is not "
                + "in the catalog, so the run began with the global default stub/echo-1)");
    }

    @Test
    void eachStepIsPrintedAndFlushedWhileTheRunIsInFlight() {
        List<String> seenDuringRun = new ArrayList<>();
        String out = ask((request, observer) -> {
            observer.skipped(SkippedModel.notInCatalog(C));
            seenDuringRun.add(printed());
            observer.attemptStarted(1, B, T.plusSeconds(30));
            observer.attemptFailed(failed(1, B, ReasonCode.PROVIDER_5XX, "Provider5xx", 1_234), A);
            seenDuringRun.add(printed());
            observer.skipped(new SkippedModel(D, SkipReason.COOLING_DOWN, ErrorClass.RATE_LIMITED, T.plusSeconds(62)));
            observer.attemptFailed(failed(2, A, ReasonCode.TIMEOUT, "TimeoutError", 30_000), GLOBAL);
            seenDuringRun.add(printed());
            return new RunResult("r1", request.taskId(), Resolution.of(B, ResolutionSource.GLOBAL_DEFAULT), GLOBAL,
                    List.of(failed(1, B, ReasonCode.PROVIDER_5XX, "Provider5xx", 1_234),
                            failed(2, A, ReasonCode.TIMEOUT, "TimeoutError", 30_000), answered(3, GLOBAL, 10)),
                    RunOutcome.SUCCESS, "answer", 120, 35);
        }).ask("", "interactiveAssistant", false, "", "hi");
        String skip = "skipped openai/gpt-5o: not in the catalog";
        String first = "openai/gpt-5.2 failed after 1.2s: provider_5xx (Provider5xx); trying openai-codex/gpt-5.3-codex";
        String cooling = "skipped openai-codex/gpt-5.4: cooling down after RateLimited for another 1m02s";
        String second = "openai-codex/gpt-5.3-codex failed after 30s: timeout (TimeoutError); trying stub/echo-1";
        assertThat(seenDuringRun.get(0).lines()).containsExactly(skip);
        assertThat(seenDuringRun.get(1).lines()).containsExactly(skip, first);
        assertThat(seenDuringRun.get(2).lines()).containsExactly(skip, first, cooling, second);
        assertThat(out).startsWith("answer" + System.lineSeparator() + "-- answered by stub/echo-1 instead of openai/gpt-5.2");
    }

    @Test
    void theLastFailedAttemptSaysTheRunEnds() {
        catchThrowable(() -> ask((request, observer) -> {
            Attempt only = failed(1, B, ReasonCode.CAPACITY, "AuthError", 40);
            observer.attemptFailed(only, null);
            throw new RoutingException("r1", request.taskId(), Resolution.of(B, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.FAILED, List.of(only), List.of(), ReasonCode.CAPACITY, ErrorClass.AUTH_ERROR, null);
        }).ask("", "interactiveAssistant", false, "", "hi"));
        assertThat(printed().lines()).containsExactly("openai/gpt-5.2 failed after 40ms: capacity (AuthError); the run ends here");
    }

    @Test
    void aFailedRunIsOneLineOfOttosWordsNamingEveryAttemptAndSkipWithWhatToDo() {
        List<Attempt> attempts = List.of(failed(1, B, ReasonCode.PROVIDER_5XX, "ConnectionError", 300),
                failed(2, A, ReasonCode.CAPACITY, "RateLimited", 1_100));
        List<SkippedModel> skipped = List.of(SkippedModel.notInCatalog(C),
                new SkippedModel(ModelRef.parse("openai/gpt-5.4-mini"), SkipReason.PROVIDER_FAILED,
                        ErrorClass.CONNECTION_ERROR, null));
        Throwable thrown = catchThrowable(() -> ask((request, observer) -> {
            clock.advance(Duration.ofMillis(1_450));
            throw new RoutingException("r1", request.taskId(), Resolution.of(B, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.FAILED, attempts, skipped, ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED,
                    new IllegalStateException(PROVIDER_TEXT));
        }).ask("", "heartbeat", false, "", "ping"));
        assertThat(thrown).isInstanceOf(NoAnswer.class).hasNoCause();
        assertThat(thrown.getClass().getSimpleName()).isEqualTo("NoAnswer");
        assertThat(thrown.getStackTrace()).isEmpty();
        assertThat(thrown.getMessage()).isEqualTo("no answer: failed in 1.4s after 2 attempts: "
                + "openai/gpt-5.2 provider_5xx (ConnectionError) after 300ms, "
                + "openai-codex/gpt-5.3-codex capacity (RateLimited) after 1.1s; "
                + "skipped openai/gpt-5o (not in the catalog), openai/gpt-5.4-mini (its provider failed with ConnectionError); "
                + "provider openai-codex is limiting requests: wait a little and try again, "
                + "or add a fallback in modelManagement.routing.fallbackChain");
        assertThat(thrown.getMessage()).doesNotContain("Exception", PROVIDER_TEXT, "sk-live", "\n");
    }

    @Test
    void aTimedOutRunNamesTheRunDeadlineAndItsKey() {
        Throwable thrown = catchThrowable(() -> ask((request, observer) -> {
            throw new RoutingException("r1", request.taskId(), Resolution.of(B, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.TIMED_OUT, List.of(failed(1, B, ReasonCode.TIMEOUT, "TimeoutError", 600_000)), List.of(),
                    ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, null);
        }).ask("", "interactiveAssistant", false, "", "hi"));
        assertThat(thrown).hasMessage("no answer: timed out in 0ms after 1 attempt: openai/gpt-5.2 timeout (TimeoutError) "
                + "after 10m; the run's deadline (10m) passed: raise modelManagement.routing.runDeadline, or put a "
                + "faster model first in modelManagement.routing.fallbackChain");
    }

    @Test
    void aFailedRunAfterAnUnavailableModelSaysSo() {
        Throwable thrown = catchThrowable(() -> ask((request, observer) -> {
            throw new RoutingException("r1", request.taskId(), Resolution.of(GLOBAL, ResolutionSource.UNAVAILABLE_FALLBACK),
                    RunOutcome.FAILED, List.of(failed(1, GLOBAL, ReasonCode.PROVIDER_5XX, "Provider5xx", 20)), List.of(),
                    ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX, null);
        }).ask("openai/gpt-9", "interactiveAssistant", false, "", "hi"));
        assertThat(thrown.getMessage()).contains("; openai/gpt-9 is not in the catalog, so the run began with the "
                + "global default stub/echo-1; provider stub is failing on its side");
    }

    @Test
    void jsonHasTheAttemptsAndSkipsAndNoProgressLines() throws Exception {
        String out = ask((request, observer) -> {
            observer.skipped(SkippedModel.notInCatalog(C));
            return new RunResult("r1", request.taskId(), Resolution.of(A, ResolutionSource.FLOW_DEFAULT), B,
                    List.of(failed(1, A, ReasonCode.PROVIDER_5XX, "Provider5xx", 300), answered(2, B, 900)),
                    RunOutcome.SUCCESS, "Here.", 120, 35, List.of(SkippedModel.notInCatalog(C)));
        }).ask("", "interactiveAssistant", true, "", "hi");
        assertThat(printed()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(out);
        assertThat(json.get("outcome").asText()).isEqualTo("success");
        assertThat(json.get("final_model").asText()).isEqualTo("openai/gpt-5.2");
        assertThat(json.get("answered_instead_of").asText()).isEqualTo("openai-codex/gpt-5.3-codex");
        assertThat(json.get("attempts").get(0).get("error_class").asText()).isEqualTo("Provider5xx");
        assertThat(json.get("attempts").get(1).get("error_class").isNull()).isTrue();
        assertThat(json.get("skipped").get(0).get("reason").asText()).isEqualTo("not_in_catalog");
        assertThat(json.get("text").asText()).isEqualTo("Here.");
    }

    @Test
    void jsonOfAFailedRunIsPrintedAndTheCommandStillFails() throws Exception {
        Throwable thrown = catchThrowable(() -> ask((request, observer) -> {
            throw new RoutingException("r9", request.taskId(), Resolution.of(B, ResolutionSource.FLOW_DEFAULT),
                    RunOutcome.FAILED, List.of(failed(1, B, ReasonCode.CAPACITY, "AuthError", 20)), List.of(),
                    ReasonCode.CAPACITY, ErrorClass.AUTH_ERROR, null);
        }).ask("", "interactiveAssistant", true, "", "hi"));
        assertThat(thrown).isInstanceOf(NoAnswer.class);
        JsonNode json = new ObjectMapper().readTree(printed());
        assertThat(json.get("run_id").asText()).isEqualTo("r9");
        assertThat(json.get("final_error_class").asText()).isEqualTo("AuthError");
        assertThat(json.get("message").asText()).isEqualTo(thrown.getMessage());
        assertThat(json.get("advice").asText()).startsWith("provider openai refused the credentials");
    }

    @Test
    void anEmptyPromptIsRefused() {
        assertThatThrownBy(() -> ask((request, observer) -> {
            throw new AssertionError("not run");
        }).ask("", "interactiveAssistant", false, ""))
                .hasMessageStartingWith("give a prompt");
    }

    @Test
    void withoutTheRouterTheCommandSaysSo() {
        assertThatThrownBy(() -> new AskCommands(null, clock, () -> console).ask("", "interactiveAssistant", false, "", "hi"))
                .hasMessage("the router (bundle dev.otto.router) is not running; 'otto:status' says why");
    }
}
