package dev.otto.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.config.RoutingSettings;
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
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.routing.SkippedModel;
import dev.otto.support.testing.MutableClock;

/**
 * {@code otto:ask} through Gogo's own command processor, as the console and {@code bin/otto run}
 * call it: the flags parse, the progress written to {@code System.out} reaches the session's
 * output, and a run without an answer reaches the caller as {@link NoAnswer} with its one line.
 */
class AskInGogoTest {

    private static final Instant T = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef A = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef B = ModelRef.parse("openai-codex/gpt-5.3-codex");
    private static final ModelRef C = ModelRef.parse("openai/gpt-5o");

    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private CommandProcessorImpl processor;
    private CommandSession session;
    private volatile boolean answer;

    private final ModelRouter router = new ModelRouter() {
        @Override
        public RunResult run(RunRequest request) {
            throw new AssertionError("otto:ask runs with an observer");
        }

        @Override
        public RunResult run(RunRequest request, RunObserver observer) throws RoutingException {
            Attempt first = new Attempt(1, A, ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR, T,
                    Duration.ofMillis(1_200), 0, 0);
            observer.skipped(SkippedModel.notInCatalog(C));
            if (answer) {
                observer.attemptFailed(first, B);
                return new RunResult("r1", request.taskId(), Resolution.of(A, ResolutionSource.USER_OVERRIDE), B,
                        List.of(first, new Attempt(2, B, ReasonCode.NONE, null, T, Duration.ofMillis(300), 3, 4)),
                        RunOutcome.SUCCESS, "pong", 3, 4, List.of(SkippedModel.notInCatalog(C)));
            }
            observer.attemptFailed(first, null);
            throw new RoutingException("r1", request.taskId(), Resolution.of(A, ResolutionSource.USER_OVERRIDE),
                    RunOutcome.FAILED, List.of(first), List.of(SkippedModel.notInCatalog(C)), ReasonCode.PROVIDER_5XX,
                    ErrorClass.CONNECTION_ERROR, new IllegalStateException("provider text that must not show"));
        }

        @Override
        public RoutePlan plan(RunRequest request) {
            throw new AssertionError("not planned");
        }

        @Override
        public ActiveRouting active() {
            return new ActiveRouting(RoutingSettings.DEFAULTS, "c1", List.of(B, C), "policy openai-first", 3);
        }
    };

    @BeforeEach
    void startGogo() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("otto", new AskCommands(router, new MutableClock(T), () -> System.out), "ask");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    }

    @AfterEach
    void stopGogo() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    @Test
    void progressGoesToTheSessionAndTheAnswerIsReturned() throws Exception {
        answer = true;
        Object result = session.execute("otto:ask --model openai/gpt-5.2 ping there");
        assertThat(out.toString(UTF_8).lines()).containsExactly("skipped openai/gpt-5o: not in the catalog",
                "openai/gpt-5.2 failed after 1.2s: provider_5xx (ConnectionError); trying openai-codex/gpt-5.3-codex");
        assertThat(String.valueOf(result)).isEqualTo("pong" + System.lineSeparator()
                + "-- answered by openai-codex/gpt-5.3-codex instead of openai/gpt-5.2, 2 attempts (openai/gpt-5.2 -> "
                + "openai-codex/gpt-5.3-codex: provider_5xx (ConnectionError)), skipped openai/gpt-5o (not in the "
                + "catalog), 0ms, 3 in / 4 out tokens");
    }

    @Test
    void noAnswerReachesTheCallerAsOneLine() {
        answer = false;
        Throwable thrown = catchThrowable(() -> session.execute("otto:ask --flow heartbeat ping"));
        assertThat(thrown).isInstanceOf(NoAnswer.class).hasNoCause();
        assertThat(thrown.getMessage()).isEqualTo("no answer: failed in 0ms after 1 attempt: openai/gpt-5.2 provider_5xx "
                + "(ConnectionError) after 1.2s; skipped openai/gpt-5o (not in the catalog); provider openai cannot be "
                + "reached: check the network, or the provider's baseURL in OpenCode's config");
        assertThat(out.toString(UTF_8).lines()).containsExactly("skipped openai/gpt-5o: not in the catalog",
                "openai/gpt-5.2 failed after 1.2s: provider_5xx (ConnectionError); the run ends here");
    }

    @Test
    void jsonIsAFlagAnywhereBeforeThePrompt() throws Exception {
        answer = true;
        Object result = session.execute("otto:ask --json --model openai/gpt-5.2 ping");
        assertThat(String.valueOf(result)).startsWith("{").contains("\"final_model\" : \"openai-codex/gpt-5.3-codex\"");
        assertThat(out.toString(UTF_8)).isEmpty();
    }
}
