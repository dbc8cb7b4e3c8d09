package dev.otto.api.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.ModelRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingRecordsTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    static final ModelRef GPT52 = ModelRef.parse("openai/gpt-5.2");

    static Attempt failed(int number, ModelRef model) {
        return new Attempt(number, model, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, T0, Duration.ofSeconds(3), 10, 0);
    }

    static Attempt ok(int number, ModelRef model) {
        return new Attempt(number, model, ReasonCode.NONE, null, T0, Duration.ofSeconds(1), 10, 20);
    }

    @Test
    void errorClassAcceptsNamesOnly() {
        assertThat(ErrorClass.of("TimeoutError")).isEqualTo(ErrorClass.TIMEOUT_ERROR).hasToString("TimeoutError");
        assertThat(List.of(ErrorClass.PROVIDER_5XX, ErrorClass.RATE_LIMITED, ErrorClass.AUTH_ERROR,
                ErrorClass.INVALID_REQUEST, ErrorClass.CONTEXT_OVERFLOW, ErrorClass.UNKNOWN))
                .extracting(ErrorClass::name)
                .containsExactly("Provider5xx", "RateLimited", "AuthError", "InvalidRequest", "ContextOverflow", "Unknown");
        for (String bad : List.of("Cannot connect to API", "", "1Error", "Error!", "sk-abc123", "a".repeat(65),
                "Timeout\nError")) {
            assertThatThrownBy(() -> ErrorClass.of(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected [A-Za-z][A-Za-z0-9_]{0,63}");
        }
        assertThatThrownBy(() -> ErrorClass.of("Cannot connect to API")).hasMessageNotContaining("connect");
    }

    @Test
    void resolutionRoundTripsTheReference() {
        ModelRef gemini = ModelRef.parse("openrouter/google/gemini-3-pro");
        Resolution resolution = Resolution.of(gemini, ResolutionSource.FLOW_DEFAULT);

        assertThat(resolution.providerId()).isEqualTo("openrouter");
        assertThat(resolution.modelId()).isEqualTo("google/gemini-3-pro");
        assertThat(resolution.ref()).isEqualTo(gemini);
        assertThatThrownBy(() -> new Resolution("openai", "", ResolutionSource.JOB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Resolution("openai", "x", null)).hasMessage("source must not be null");
    }

    @Test
    void attemptPairsReasonAndErrorClass() {
        assertThat(ok(1, GPT52).succeeded()).isTrue();
        assertThat(failed(1, GPT52).succeeded()).isFalse();
        assertThatThrownBy(() -> new Attempt(1, GPT52, ReasonCode.NONE, ErrorClass.UNKNOWN, T0, Duration.ZERO, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attempt(1, GPT52, ReasonCode.CAPACITY, null, T0, Duration.ZERO, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Attempt(0, GPT52, ReasonCode.NONE, null, T0, Duration.ZERO, 0, 0))
                .hasMessageStartingWith("number is 0");
        assertThatThrownBy(() -> new Attempt(1, GPT52, ReasonCode.NONE, null, T0, Duration.ofSeconds(-1), 0, 0))
                .hasMessageStartingWith("duration is PT-1S");
        assertThatThrownBy(() -> new Attempt(1, GPT52, ReasonCode.NONE, null, T0, Duration.ZERO, -1, 0))
                .hasMessageStartingWith("tokens are -1 in");
    }

    @Test
    void runResultCopiesAttemptsAndRedactsText() {
        List<Attempt> attempts = new ArrayList<>(List.of(failed(1, CODEX), ok(2, GPT52)));
        RunResult result = new RunResult("run-1", "task-1", Resolution.of(CODEX, ResolutionSource.TASK_POLICY), GPT52,
                attempts, RunOutcome.SUCCESS, "the confidential answer", 20, 20);
        attempts.clear();

        assertThat(result.attempts()).hasSize(2);
        assertThat(result.toString()).doesNotContain("confidential").contains("text=<redacted 23 chars>");
    }

    @Test
    void runResultChecksNumberingAndFinalModel() {
        Resolution resolution = Resolution.of(CODEX, ResolutionSource.TASK_POLICY);
        assertThatThrownBy(() -> new RunResult("r", "t", resolution, GPT52, List.of(failed(1, CODEX), ok(3, GPT52)),
                RunOutcome.SUCCESS, "", 0, 0)).hasMessageContaining("has number 3: expected 2");
        assertThatThrownBy(() -> new RunResult("r", "t", resolution, CODEX, List.of(failed(1, CODEX), ok(2, GPT52)),
                RunOutcome.SUCCESS, "", 0, 0)).hasMessageContaining("differs from the model of the last attempt");
        assertThatThrownBy(() -> new RunResult("r", "t", resolution, CODEX, List.of(), RunOutcome.SUCCESS, "", 0, 0))
                .hasMessageContaining("must not be empty");
    }

    @Test
    void routingExceptionMessageIsBuiltFromValues() {
        RoutingException e = new RoutingException("run-1", "task-1", RunOutcome.FAILED,
                List.of(failed(1, CODEX), failed(2, GPT52)), ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR,
                new RuntimeException("provider said: key sk-abc invalid"));

        assertThat(e).hasMessage("run run-1 (task task-1) failed after 2 attempts, last model openai/gpt-5.2:"
                + " timeout (TimeoutError)");
        assertThat(e.lastModel()).isEqualTo(GPT52);
        assertThat(e.attempts()).hasSize(2);

        RoutingException none = new RoutingException("run-2", "task-2", RunOutcome.FAILED, List.of(),
                ReasonCode.CAPACITY, ErrorClass.of("NoModelAvailable"), null);
        assertThat(none).hasMessage("run run-2 (task task-2) failed before any attempt: capacity (NoModelAvailable)");
        assertThat(none.lastModel()).isNull();
        assertThatThrownBy(() -> new RoutingException("r", "t", RunOutcome.SUCCESS, List.of(), ReasonCode.TIMEOUT,
                ErrorClass.UNKNOWN, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noModelAvailableSaysWhatToDo() {
        NoModelAvailableException e = new NoModelAvailableException("task-1", GPT52, null);

        assertThat(e.getMessage()).contains("task-1", "openai/gpt-5.2 is not in the catalog",
                "OpenCode has no global default model", "opencode.json", "config.jsonc");
    }
}
