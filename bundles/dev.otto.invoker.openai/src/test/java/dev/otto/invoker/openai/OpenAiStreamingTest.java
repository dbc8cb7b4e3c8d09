package dev.otto.invoker.openai;

import static dev.otto.invoker.openai.FakeProvider.chunk;
import static dev.otto.invoker.openai.FakeProvider.event;
import static dev.otto.invoker.openai.FakeProvider.roleChunk;
import static dev.otto.invoker.openai.FakeProvider.send;
import static dev.otto.invoker.openai.FakeProvider.startStream;
import static dev.otto.invoker.openai.FakeProvider.textChunk;
import static dev.otto.invoker.openai.FakeProvider.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;
import dev.otto.classifier.DefaultFailureClassifier;

/**
 * The streamed answer and the three limits of an attempt (first token, stall, deadline) against
 * loopback providers that fail the ways real ones do. Limits are short and deadlines long, so each
 * test bounds behaviour ("failed by the first-token limit, long before the deadline") without
 * measuring speed: the lower bounds are the limits themselves, the upper bounds are seconds.
 *
 * <p>The default classifier does not know {@code FIRST_TOKEN_TIMEOUT} and {@code STALL_TIMEOUT}
 * yet: for those kinds only the {@link InvocationFailure} kind is asserted here; the classifier's
 * own table will hold their rows ({@code timeout}/{@code FirstTokenTimeout} and
 * {@code timeout}/{@code StallTimeout}).
 *
 * <p>Over 400 lines: one test per way a stream fails, each short, sharing the invoker and the
 * providers set up here.
 */
class OpenAiStreamingTest {

    private static final ModelRef MODEL = ModelRef.parse("local/small");
    private static final DefaultFailureClassifier CLASSIFIER = new DefaultFailureClassifier();
    /** Far away: a test that reaches it has failed. */
    private static final Duration LONG_DEADLINE = Duration.ofSeconds(30);
    /** "Well before the deadline". */
    private static final Duration WELL_BEFORE = Duration.ofSeconds(10);

    private final List<String> log = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private FakeProvider provider;

    @BeforeEach
    void start() throws IOException {
        provider = new FakeProvider();
    }

    @AfterEach
    void stop() throws Exception {
        provider.close();
        for (AutoCloseable closeable : closeAfter) {
            closeable.close();
        }
        assertThat(String.join("\n", log)).as("logs").doesNotContain("SECRET-MESSAGE");
    }

    private OpenAiInvoker invoker(String baseUrl, long maxBytes) {
        Settings settings = new Settings(Settings.endpoint(baseUrl), Set.of("local"), "", Duration.ofSeconds(2), null,
                maxBytes);
        return new OpenAiInvoker(settings, TestSupport.logger(log), name -> null, Clock.systemUTC());
    }

    private OpenAiInvoker invoker() {
        return invoker(provider.baseUrl(), 1_048_576);
    }

    private FakeProvider.Raw raw(FakeProvider.Raw.SocketScript script) throws IOException {
        FakeProvider.Raw raw = new FakeProvider.Raw(script);
        closeAfter.add(raw);
        return raw;
    }

    private static Invocation invocation(Duration deadline, Duration firstToken, Duration stall) {
        return new Invocation("run-1", "task-1", 1, MODEL, "say hello", Instant.now().plus(deadline), firstToken, stall);
    }

    /** A failure, and how long the attempt took. */
    private record Timed(InvocationFailure failure, Duration took) {
    }

    private static Timed fails(OpenAiInvoker invoker, Invocation invocation) {
        long start = System.nanoTime();
        InvocationFailure failure = catchThrowableOfType(() -> invoker.invoke(invocation), InvocationFailure.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(failure).as("an InvocationFailure").isNotNull();
        assertThat(failure.getMessage()).doesNotContain("SECRET-MESSAGE").doesNotContain("127.0.0.1");
        assertThat(failure.getCause()).isNull();
        return new Timed(failure, took);
    }

    private static Classification classified(InvocationFailure failure) {
        return CLASSIFIER.classify(failure).orElseThrow();
    }

    private static void assertTimeout(Timed timed, Kind kind, Duration limit) {
        assertThat(timed.failure().kind()).isEqualTo(kind);
        assertThat(timed.failure().retryable()).isTrue();
        assertThat(timed.took()).as("not before the limit").isGreaterThanOrEqualTo(limit);
        assertThat(timed.took()).as("by the limit, well before the deadline").isLessThan(WELL_BEFORE);
    }

    @Test
    void aSilentProviderFailsAtTheFirstTokenTimeoutLongBeforeTheDeadlineAndItsConnectionIsClosed() throws Exception {
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        FakeProvider.Raw silent = raw((socket, out) -> clientClosed.complete(
                FakeProvider.Raw.awaitClientClose(socket, LONG_DEADLINE)));
        Timed timed = fails(invoker(silent.baseUrl(), 1024), invocation(LONG_DEADLINE, Duration.ofMillis(300), LONG_DEADLINE));
        assertTimeout(timed, Kind.FIRST_TOKEN_TIMEOUT, Duration.ofMillis(300));
        assertThat(clientClosed.get(WELL_BEFORE.toSeconds(), TimeUnit.SECONDS)).as("the connection was closed").isTrue();
        assertThat(silent.requests).singleElement().asString().contains("POST /v1/chat/completions");
    }

    @Test
    void headersThenNothingIsAFirstTokenTimeout() throws Exception {
        CompletableFuture<Boolean> clientClosed = new CompletableFuture<>();
        FakeProvider.Raw headersOnly = raw((socket, out) -> {
            FakeProvider.Raw.streamHead(out);
            clientClosed.complete(FakeProvider.Raw.awaitClientClose(socket, LONG_DEADLINE));
        });
        Timed timed = fails(invoker(headersOnly.baseUrl(), 1024), invocation(LONG_DEADLINE, Duration.ofMillis(300), LONG_DEADLINE));
        assertTimeout(timed, Kind.FIRST_TOKEN_TIMEOUT, Duration.ofMillis(300));
        assertThat(clientClosed.get(WELL_BEFORE.toSeconds(), TimeUnit.SECONDS)).as("the connection was closed").isTrue();
    }

    @Test
    void keepAliveCommentsAloneAreNoOutput() {
        provider.answering(provider.keepAlivesOnly(Duration.ofMillis(50)));
        Timed timed = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofMillis(300), LONG_DEADLINE));
        assertTimeout(timed, Kind.FIRST_TOKEN_TIMEOUT, Duration.ofMillis(300));
    }

    @Test
    void aFirstChunkThenSilenceIsAStall() {
        provider.answering(provider.stallAfterFirstChunk());
        Timed timed = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofMillis(300)));
        assertTimeout(timed, Kind.STALL_TIMEOUT, Duration.ofMillis(300));
    }

    @Test
    void keepAliveCommentsDoNotHoldOffAStall() {
        provider.answering((model, exchange) -> {
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            do {
                send(out, ": ping\n\n");
            } while (provider.pause(Duration.ofMillis(50)));
        });
        Timed timed = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofMillis(300)));
        assertTimeout(timed, Kind.STALL_TIMEOUT, Duration.ofMillis(300));
    }

    @Test
    void aSlowStreamThatKeepsComingIsAnswered() throws Exception {
        // first chunk after 200 ms (limit 300 ms), then one every 100 ms for 1.5 s (stall limit 500 ms)
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 15; i++) {
            expected.append("w").append(i).append(' ');
        }
        provider.answering((model, exchange) -> {
            provider.pause(Duration.ofMillis(200));
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            for (int i = 0; i < 15 && provider.pause(Duration.ofMillis(100)); i++) {
                send(out, event(textChunk(model, "w" + i + " ")));
            }
            send(out, event(chunk(model, "{}", "stop")));
            send(out, event(usageChunk(model)));
            send(out, event("[DONE]"));
            out.close();
        });
        long start = System.nanoTime();
        InvocationResult result = invoker().invoke(invocation(LONG_DEADLINE, Duration.ofMillis(300), Duration.ofMillis(500)));
        assertThat(result.text()).isEqualTo(expected.toString());
        assertThat(result.tokensIn()).isEqualTo(12);
        assertThat(result.tokensOut()).isEqualTo(5);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the whole stream was read, longer than either limit")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aDeadlineBeforeTheFirstTokenLimitIsATimeout() {
        provider.answering(provider.silent());
        Timed timed = fails(invoker(), invocation(Duration.ofMillis(400), Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertTimeout(timed, Kind.TIMEOUT, Duration.ofMillis(300)); // the deadline was set a little before the call
        assertThat(classified(timed.failure())).isEqualTo(new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR));
    }

    @Test
    void aStreamThatKeepsComingPastTheDeadlineIsATimeout() {
        provider.answering((model, exchange) -> {
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            while (provider.pause(Duration.ofMillis(50))) {
                send(out, event(textChunk(model, "more ")));
            }
        });
        Timed timed = fails(invoker(), invocation(Duration.ofMillis(600), Duration.ofMillis(300), Duration.ofMillis(300)));
        assertTimeout(timed, Kind.TIMEOUT, Duration.ofMillis(500));
    }

    @Test
    void aStreamCutWithoutDoneIsAConnectionFailure() throws Exception {
        // the server ends the body cleanly, but the answer has neither [DONE] nor a finish reason
        provider.answering((model, exchange) -> {
            try (OutputStream out = startStream(exchange)) {
                send(out, event(roleChunk(model)));
                send(out, event(textChunk(model, "half an ")));
            }
        });
        Timed clean = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(clean.failure().kind()).isEqualTo(Kind.CONNECTION);
        assertThat(clean.failure().retryable()).isTrue();
        assertThat(classified(clean.failure())).isEqualTo(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR));

        // the connection ends inside the chunked body
        FakeProvider.Raw cut = raw((socket, out) -> {
            FakeProvider.Raw.streamHead(out);
            FakeProvider.Raw.chunk(out, event(roleChunk("small")));
            FakeProvider.Raw.chunk(out, event(textChunk("small", "half an ")));
            socket.shutdownOutput();
        });
        Timed abrupt = fails(invoker(cut.baseUrl(), 1024), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(abrupt.failure().kind()).isEqualTo(Kind.CONNECTION);
        assertThat(abrupt.took()).as("at the cut, not at a limit").isLessThan(WELL_BEFORE);
    }

    @Test
    void aConnectionResetMidBodyIsAConnectionFailure() throws Exception {
        FakeProvider.Raw reset = raw((socket, out) -> {
            FakeProvider.Raw.streamHead(out);
            FakeProvider.Raw.chunk(out, event(roleChunk("small")));
            socket.setSoLinger(true, 0); // close with RST
        });
        Timed timed = fails(invoker(reset.baseUrl(), 1024), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(timed.failure().kind()).isEqualTo(Kind.CONNECTION);
        assertThat(timed.failure().retryable()).isTrue();
        assertThat(timed.took()).as("at the reset, not at a limit").isLessThan(WELL_BEFORE);
        assertThat(classified(timed.failure())).isEqualTo(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR));
    }

    @Test
    void anEmptyOkIsAMalformedResponse() {
        provider.answering((model, exchange) -> startStream(exchange).close()); // an empty event stream
        Timed timed = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(timed.failure().kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(timed.failure().httpStatus()).hasValue(200);
        assertThat(timed.failure().providerErrorName()).hasValue(ChatAnswers.MALFORMED);
        assertThat(classified(timed.failure()).errorClass().name()).isEqualTo("MalformedResponse");
    }

    @Test
    void aGarbageOkIsAMalformedResponseAtOnce() {
        provider.answering((model, exchange) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            send(out, "<html><head><title>Gateway</title></head>\n");
            provider.pause(FakeProvider.HOLD); // the rest never comes: the first line is enough
        });
        Timed timed = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(timed.failure().kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(timed.failure().providerErrorName()).hasValue(ChatAnswers.MALFORMED);
        assertThat(timed.took()).as("at the first line, not at a limit").isLessThan(WELL_BEFORE);
    }

    @Test
    void aStreamCutAtTheOutputLimitOrFilteredIsAFailure() {
        provider.answering((model, exchange) -> {
            try (OutputStream out = startStream(exchange)) {
                send(out, event(roleChunk(model)));
                send(out, event(chunk(model, "{\"content\":\"half an ans\"}", "length")));
                send(out, event("[DONE]"));
            }
        });
        InvocationFailure length = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)))
                .failure();
        assertThat(length.kind()).isEqualTo(Kind.OUTPUT_LENGTH);
        assertThat(classified(length).errorClass().name()).isEqualTo("OutputLength");

        provider.answering((model, exchange) -> {
            try (OutputStream out = startStream(exchange)) {
                send(out, event(roleChunk(model)));
                send(out, event(chunk(model, "{}", "content_filter")));
                send(out, event("[DONE]"));
            }
        });
        InvocationFailure filtered = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)))
                .failure();
        assertThat(filtered.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(filtered.httpStatus()).hasValue(200);
        assertThat(filtered.providerErrorName()).hasValue("content_filter");
        assertThat(classified(filtered).errorClass().name()).isEqualTo("ContentFiltered");
    }

    @Test
    void anErrorEventInTheStreamGivesItsNameOnly() {
        provider.answering((model, exchange) -> {
            try (OutputStream out = startStream(exchange)) {
                send(out, event(roleChunk(model)));
                send(out, event(FakeProvider.error("server_error", null)));
            }
        });
        InvocationFailure failure = fails(invoker(), invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)))
                .failure();
        assertThat(failure.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(failure.httpStatus()).hasValue(200);
        assertThat(failure.providerErrorName()).hasValue("server_error");
    }

    @Test
    void aStreamLargerThanMaxResponseBytesIsRefused() {
        provider.answering((model, exchange) -> {
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            for (int i = 0; i < 100 && provider.pause(Duration.ofMillis(1)); i++) {
                send(out, event(textChunk(model, "x".repeat(100))));
            }
            provider.pause(FakeProvider.HOLD);
        });
        InvocationFailure failure = fails(invoker(provider.baseUrl(), 4096),
                invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20))).failure();
        assertThat(failure.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(failure.httpStatus()).hasValue(200);
        assertThat(failure.providerErrorName()).hasValue(ChatAnswers.TOO_LARGE);
        assertThat(classified(failure).errorClass().name()).isEqualTo("MalformedResponse");
    }

    @Test
    void anAnswerWhoseFinishReasonCameButNotItsDoneStillStands() throws Exception {
        provider.answering((model, exchange) -> {
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            send(out, event(textChunk(model, "complete")));
            send(out, event(chunk(model, "{}", "stop")));
            provider.pause(FakeProvider.HOLD); // no usage, no [DONE]
        });
        InvocationResult result = invoker().invoke(invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofMillis(300)));
        assertThat(result.text()).isEqualTo("complete");
        assertThat(result.tokensIn()).as("no usage came").isZero();
    }

    @Test
    void anErrorStatusWhoseBodyStallsKeepsItsStatusAndRetryAfter() throws Exception {
        FakeProvider.Raw busy = raw((socket, out) -> {
            out.write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"error\":").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.flush();
            FakeProvider.Raw.awaitClientClose(socket, LONG_DEADLINE);
        });
        Timed timed = fails(invoker(busy.baseUrl(), 1024), invocation(LONG_DEADLINE, Duration.ofMillis(300), LONG_DEADLINE));
        assertThat(timed.failure().kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(timed.failure().httpStatus()).hasValue(503);
        assertThat(timed.failure().retryAfter()).hasValue(Duration.ofSeconds(3));
        assertThat(timed.took()).isLessThan(WELL_BEFORE);
        assertThat(classified(timed.failure())).isEqualTo(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX));
    }

    @Test
    void tenStallingCallsAtOnceShareOneWatcherThreadAndAllFailByTheirLimit() throws Exception {
        provider.answering(provider.stallAfterFirstChunk());
        long before = watcherThreads();
        OpenAiInvoker invoker = invoker();
        ExecutorService callers = Executors.newFixedThreadPool(10);
        try {
            List<Future<Timed>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(callers.submit(() -> fails(invoker, invocation(LONG_DEADLINE, Duration.ofSeconds(20),
                        Duration.ofMillis(300)))));
            }
            for (Future<Timed> call : calls) {
                assertTimeout(call.get(20, TimeUnit.SECONDS), Kind.STALL_TIMEOUT, Duration.ofMillis(300));
            }
            assertThat(watcherThreads() - before).as("one watcher for the invoker, none per call").isEqualTo(1);
        } finally {
            callers.shutdownNow();
        }
        TestSupport.await("every call released from the watcher", Duration.ofSeconds(5),
                () -> invokerDeadlines(invoker).inFlight() == 0);
    }

    @Test
    void anAnsweredStreamLeavesNoCallWatchedAndTheConnectionIsReused() throws Exception {
        OpenAiInvoker invoker = invoker();
        for (int i = 0; i < 20; i++) {
            assertThat(invoker.invoke(invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20))).text())
                    .isEqualTo("hello");
        }
        TestSupport.await("every call released from the watcher", Duration.ofSeconds(5),
                () -> invokerDeadlines(invoker).inFlight() == 0);
    }

    @Test
    void afterDeactivationNewCallsAreAbortedWithoutARequest() {
        OpenAiInvoker invoker = invoker();
        invoker.deactivate();
        Timed timed = fails(invoker, invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
        assertThat(timed.failure().kind()).isEqualTo(Kind.ABORTED);
        assertThat(provider.seen).isEmpty();
    }

    @Test
    void anInterruptDuringAStreamAbortsAndKeepsTheInterrupt() throws Exception {
        provider.answering(provider.stallAfterFirstChunk());
        OpenAiInvoker invoker = invoker();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                invoker.invoke(invocation(LONG_DEADLINE, Duration.ofSeconds(20), Duration.ofSeconds(20)));
                thrown.complete(null);
            } catch (Throwable t) {
                interrupted.set(Thread.currentThread().isInterrupted());
                thrown.complete(t);
            }
        });
        caller.start();
        TestSupport.await("the request reached the provider", Duration.ofSeconds(5), () -> !provider.seen.isEmpty());
        caller.interrupt();
        assertThat(thrown.get(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(InvocationFailure.class,
                f -> assertThat(f.kind()).isEqualTo(Kind.ABORTED));
        assertThat(interrupted).isTrue();
    }

    private static long watcherThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("otto-openai-deadlines")).count();
    }

    private static AttemptDeadlines invokerDeadlines(OpenAiInvoker invoker) {
        return invoker.deadlines();
    }
}
