package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

class AskCommandsTest {

    private static final Instant T = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef A = ModelRef.parse("openai-codex/gpt-5.3-codex");
    private static final ModelRef B = ModelRef.parse("openai/gpt-5.2");

    private static List<Attempt> attempts() {
        return List.of(new Attempt(1, A, ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX, T, Duration.ofMillis(300), 0, 0),
                new Attempt(2, B, ReasonCode.NONE, null, T, Duration.ofMillis(900), 120, 35));
    }

    /** A router that records the request and answers as told: the command's own logic is what is tested. */
    private static ModelRouter router(AtomicReference<RunRequest> seen, boolean fail) {
        return new ModelRouter() {
            @Override
            public RunResult run(RunRequest request) throws RoutingException {
                seen.set(request);
                if (fail) {
                    throw new RoutingException("r1", request.taskId(), RunOutcome.FAILED, attempts().subList(0, 1),
                            ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX, null);
                }
                return new RunResult("r1", request.taskId(), Resolution.of(A, ResolutionSource.USER_OVERRIDE), B, attempts(),
                        RunOutcome.SUCCESS, "Here is the answer.\n", 120, 35);
            }

            @Override
            public RoutePlan plan(RunRequest request) {
                throw new AssertionError("otto:ask runs, it does not plan");
            }
        };
    }

    @Test
    void theAnswerThenOneLineWithModelAttemptsFallbacksTokensAndTime() {
        AtomicReference<RunRequest> seen = new AtomicReference<>();
        String out = new AskCommands(router(seen, false), Clock.fixed(T, ZoneOffset.UTC)).ask(A.toString(),
                "interactiveAssistant", "what", "changed?");
        assertThat(out).isEqualTo("Here is the answer." + System.lineSeparator()
                + "-- openai/gpt-5.2, 2 attempts (openai-codex/gpt-5.3-codex -> openai/gpt-5.2: provider_5xx (Provider5xx)), "
                + "0ms, 120 in / 35 out tokens");
        assertThat(seen.get().flow()).isEqualTo(Flow.INTERACTIVE_ASSISTANT);
        assertThat(seen.get().userOverride()).isEqualTo(A);
        assertThat(seen.get().prompt()).isEqualTo("what changed?");
    }

    @Test
    void aFailedRunIsOneLineSayingWhatWasTried() {
        AtomicReference<RunRequest> seen = new AtomicReference<>();
        assertThatThrownBy(() -> new AskCommands(router(seen, true), Clock.fixed(T, ZoneOffset.UTC)).ask("", "heartbeat", "ping"))
                .hasMessage("no answer (failed): openai-codex/gpt-5.3-codex, 1 attempt, 0ms");
        assertThat(seen.get().flow()).isEqualTo(Flow.HEARTBEAT);
        assertThat(seen.get().userOverride()).isNull();
    }

    @Test
    void anEmptyPromptIsRefused() {
        assertThatThrownBy(() -> new AskCommands(router(new AtomicReference<>(), false), Clock.systemUTC()).ask("", "interactiveAssistant"))
                .hasMessageStartingWith("give a prompt");
    }
}
