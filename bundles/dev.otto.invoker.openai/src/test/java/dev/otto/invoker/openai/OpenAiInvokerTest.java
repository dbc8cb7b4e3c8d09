package dev.otto.invoker.openai;

import static dev.otto.invoker.openai.FakeProvider.error;
import static dev.otto.invoker.openai.FakeProvider.reply;
import static dev.otto.invoker.openai.FakeProvider.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

class OpenAiInvokerTest {

    private static final String KEY = "sk-test-0123456789abcdef";
    private static final String KEY_ENV = "OTTO_TEST_OPENAI_KEY";
    private static final ModelRef MODEL = ModelRef.parse("local/small");
    private static final DefaultFailureClassifier CLASSIFIER = new DefaultFailureClassifier();

    private final List<String> log = new ArrayList<>();
    private final Map<String, String> environment = new java.util.concurrent.ConcurrentHashMap<>(Map.of(KEY_ENV, KEY));
    private FakeProvider provider;

    @BeforeEach
    void start() throws IOException {
        provider = new FakeProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
        assertThat(String.join("\n", log)).as("logs").doesNotContain(KEY).doesNotContain("SECRET-MESSAGE");
    }

    private OpenAiInvoker invoker(String baseUrl, Duration totalTimeout, long maxBytes) {
        Settings settings = new Settings(Settings.endpoint(baseUrl), Set.of("local"), KEY_ENV, Duration.ofSeconds(2),
                totalTimeout, maxBytes);
        return new OpenAiInvoker(settings, TestSupport.logger(log), environment::get, Clock.systemUTC());
    }

    private OpenAiInvoker invoker() {
        return invoker(provider.baseUrl(), Duration.ofSeconds(20), 1_048_576);
    }

    private static Invocation invocation(Duration timeLeft) {
        return new Invocation("run-1", "task-1", 1, MODEL, "say hello", Instant.now().plus(timeLeft));
    }

    /** Invokes, expects a failure, and checks that neither the key nor the provider's message is in it. */
    private InvocationFailure failure(OpenAiInvoker invoker, Duration timeLeft) {
        InvocationFailure failure = catchThrowableOfType(() -> invoker.invoke(invocation(timeLeft)), InvocationFailure.class);
        assertThat(failure).as("an InvocationFailure").isNotNull();
        assertThat(failure.getMessage()).doesNotContain(KEY).doesNotContain("SECRET-MESSAGE").doesNotContain("127.0.0.1");
        assertThat(failure.getCause()).as("no cause that could carry provider text").isNull();
        return failure;
    }

    private InvocationFailure failure() {
        return failure(invoker(), Duration.ofSeconds(10));
    }

    private static Classification classified(InvocationFailure failure) {
        return CLASSIFIER.classify(failure).orElseThrow();
    }

    @Test
    void aStreamedAnswerGivesTextTokensAndTheModelThatAnswered() throws Exception {
        provider.answering((model, exchange) -> FakeProvider.stream(exchange, "hi there, friend", model + "-2026-01-01"));
        InvocationResult result = invoker().invoke(invocation(Duration.ofSeconds(10)));
        assertThat(result.text()).as("the deltas, concatenated").isEqualTo("hi there, friend");
        assertThat(result.tokensIn()).as("from the final usage chunk").isEqualTo(12);
        assertThat(result.tokensOut()).isEqualTo(5);
        assertThat(result.answeredBy()).isEqualTo(ModelRef.parse("local/small-2026-01-01"));
        FakeProvider.Seen seen = provider.seen.get(0);
        assertThat(seen.model()).as("the model id, without the provider").isEqualTo("small");
        assertThat(seen.authorization()).isEqualTo("Bearer " + KEY);
        assertThat(seen.body()).contains("\"messages\":[{\"role\":\"user\",\"content\":\"say hello\"}]")
                .contains("\"stream\":true").contains("\"stream_options\":{\"include_usage\":true}");
    }

    @Test
    void aWholeJsonAnswerToTheStreamingRequestIsAccepted() throws Exception {
        // some local servers ignore "stream" and answer one chat.completion
        provider.answering((model, exchange) -> reply(exchange, 200, success("hi there", model + "-2026-01-01")));
        InvocationResult result = invoker().invoke(invocation(Duration.ofSeconds(10)));
        assertThat(result.text()).isEqualTo("hi there");
        assertThat(result.tokensIn()).isEqualTo(12);
        assertThat(result.tokensOut()).isEqualTo(5);
        assertThat(result.answeredBy()).isEqualTo(ModelRef.parse("local/small-2026-01-01"));
    }

    @Test
    void withoutAUsableModelFieldTheModelAskedAnswered() throws Exception {
        provider.answering((model, exchange) -> reply(exchange, 200,
                "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        InvocationResult result = invoker().invoke(invocation(Duration.ofSeconds(10)));
        assertThat(result.answeredBy()).isEqualTo(MODEL);
        assertThat(result.tokensIn()).as("no usage: unknown").isZero();
        assertThat(result.tokensOut()).isZero();
    }

    @Test
    void serverErrorsAreRetryableHttpStatusesClassifiedProvider5xx() {
        for (int status : new int[] { 500, 502, 503 }) {
            provider.answering((model, exchange) -> reply(exchange, status, error("server_error", null)));
            InvocationFailure failure = failure();
            assertThat(failure.kind()).isEqualTo(Kind.HTTP_STATUS);
            assertThat(failure.httpStatus()).hasValue(status);
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.retryAfter()).isEmpty();
            assertThat(failure.providerErrorName()).hasValue("server_error");
            assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX));
        }
    }

    @Test
    void a503KeepsItsRetryAfter() {
        provider.answering((model, exchange) -> reply(exchange, 503, "<html>busy</html>", "Retry-After", "7"));
        InvocationFailure failure = failure();
        assertThat(failure.httpStatus()).hasValue(503);
        assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(7));
        assertThat(failure.providerErrorName()).as("an HTML body has no error name").isEmpty();
    }

    @Test
    void a429WithRetryAfterInSecondsIsRateLimited() {
        provider.answering((model, exchange) -> reply(exchange, 429, error("requests", "rate_limit_exceeded"), "Retry-After", "30"));
        InvocationFailure failure = failure();
        assertThat(failure.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(failure.httpStatus()).hasValue(429);
        assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(30));
        assertThat(failure.providerErrorName()).as("the code, never the message").hasValue("rate_limit_exceeded");
        assertThat(failure.retryable()).isTrue();
        assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED));
    }

    @Test
    void a429WithRetryAfterAsAnHttpDateGivesTheTimeUntilThen() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().plusSeconds(120).atOffset(ZoneOffset.UTC));
        provider.answering((model, exchange) -> reply(exchange, 429, error("requests", "rate_limit_exceeded"), "Retry-After", date));
        InvocationFailure failure = failure();
        assertThat(failure.retryAfter()).hasValueSatisfying(
                left -> assertThat(left).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(121)));
    }

    @Test
    void aQuotaExhausted429IsQuotaExceeded() {
        provider.answering((model, exchange) -> reply(exchange, 429, error("insufficient_quota", "insufficient_quota")));
        InvocationFailure failure = failure();
        assertThat(failure.retryAfter()).isEmpty();
        assertThat(classified(failure).errorClass().name()).isEqualTo("QuotaExceeded");
    }

    @Test
    void a400IsAnInvalidRequestNamedByItsType() {
        provider.answering((model, exchange) -> reply(exchange, 400, error("invalid_request_error", null)));
        InvocationFailure failure = failure();
        assertThat(failure.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(failure.httpStatus()).hasValue(400);
        assertThat(failure.providerErrorName()).hasValue("invalid_request_error");
        assertThat(failure.retryable()).isFalse();
        assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.CAPACITY, ErrorClass.INVALID_REQUEST));
    }

    @Test
    void a401And403AreAuthFailures() {
        for (int status : new int[] { 401, 403 }) {
            provider.answering((model, exchange) -> reply(exchange, status, error("invalid_request_error", "invalid_api_key")));
            InvocationFailure failure = failure();
            assertThat(failure.kind()).isEqualTo(Kind.AUTH);
            assertThat(failure.httpStatus()).hasValue(status);
            assertThat(failure.providerErrorName()).hasValue("invalid_api_key");
            assertThat(failure.retryable()).isFalse();
            assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.CAPACITY, ErrorClass.AUTH_ERROR));
        }
    }

    @Test
    void aContextOverflowIsReportedAsSuch() {
        provider.answering((model, exchange) -> reply(exchange, 400, error("invalid_request_error", "context_length_exceeded")));
        InvocationFailure failure = failure();
        assertThat(failure.kind()).isEqualTo(Kind.CONTEXT_OVERFLOW);
        assertThat(failure.httpStatus()).hasValue(400);
        assertThat(failure.providerErrorName()).hasValue("context_length_exceeded");
        assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.CAPACITY, ErrorClass.CONTEXT_OVERFLOW));
    }

    @Test
    void aMalformedOkBodyIsAMalformedResponse() {
        for (String body : List.of("not json {", "[]", "{\"choices\":[]}", "{\"choices\":[{\"message\":{\"content\":42}}]}", "",
                "\n\n", "<html><body>502 Bad Gateway</body></html>", "data: hello\n\n", "data: {\"object\":\"list\"}\n\n",
                "data: [DONE]\n\n", "data: " + FakeProvider.chunk("small", "{\"content\":42}", null) + "\n\n")) {
            provider.answering((model, exchange) -> reply(exchange, 200, body));
            InvocationFailure failure = failure();
            assertThat(failure.kind()).as(body).isEqualTo(Kind.HTTP_STATUS);
            assertThat(failure.httpStatus()).hasValue(200);
            assertThat(failure.providerErrorName()).hasValue(ChatAnswers.MALFORMED);
            assertThat(classified(failure).errorClass().name()).isEqualTo("MalformedResponse");
            assertThat(classified(failure).reason()).isEqualTo(ReasonCode.CAPACITY);
        }
    }

    @Test
    void anAnswerCutAtTheOutputLimitOrFilteredIsAFailure() {
        provider.answering((model, exchange) -> reply(exchange, 200,
                "{\"choices\":[{\"message\":{\"content\":\"half an ans\"},\"finish_reason\":\"length\"}]}"));
        assertThat(classified(failure()).errorClass().name()).isEqualTo("OutputLength");
        provider.answering((model, exchange) -> reply(exchange, 200,
                "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"content_filter\"}]}"));
        assertThat(classified(failure()).errorClass().name()).isEqualTo("ContentFiltered");
    }

    @Test
    void aStallAfterTheHeadersTimesOutAtTheDeadline() {
        provider.answering(provider.stallAfterHeaders());
        long start = System.nanoTime();
        InvocationFailure failure = failure(invoker(), Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(took).as("never before the deadline; a bound, not a measurement").isBetween(Duration.ofMillis(900),
                Duration.ofSeconds(10));
        assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR));
    }

    @Test
    void theConfiguredTotalTimeoutCutsALongerDeadline() {
        provider.answering(provider.stallAfterHeaders());
        long start = System.nanoTime();
        InvocationFailure failure = failure(invoker(provider.baseUrl(), Duration.ofMillis(500), 1_048_576), Duration.ofSeconds(30));
        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(10));
    }

    @Test
    void aPassedDeadlineFailsWithoutCallingTheProvider() {
        InvocationFailure failure = failure(invoker(), Duration.ZERO);
        assertThat(failure.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(provider.seen).isEmpty();
    }

    @Test
    void anOversizedBodyIsRefused() {
        String big = success("x".repeat(4096), "small");
        provider.answering((model, exchange) -> reply(exchange, 200, big));
        InvocationFailure failure = failure(invoker(provider.baseUrl(), Duration.ofSeconds(10), 1024), Duration.ofSeconds(10));
        assertThat(failure.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(failure.httpStatus()).hasValue(200);
        assertThat(failure.providerErrorName()).hasValue(ChatAnswers.TOO_LARGE);
        assertThat(classified(failure).errorClass().name()).isEqualTo("MalformedResponse");
    }

    @Test
    void anOversizedErrorBodyStillGivesItsStatus() {
        String big = "{\"error\":{\"type\":\"server_error\",\"message\":\"" + "x".repeat(100_000) + "\"}}";
        provider.answering((model, exchange) -> reply(exchange, 500, big));
        InvocationFailure failure = failure();
        assertThat(failure.httpStatus()).hasValue(500);
        assertThat(failure.providerErrorName()).isEmpty();
    }

    @Test
    void aRefusedConnectionIsAConnectionFailure() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        InvocationFailure failure = failure(invoker("http://127.0.0.1:" + port + "/v1", Duration.ofSeconds(10), 1024),
                Duration.ofSeconds(10));
        assertThat(failure.kind()).isEqualTo(Kind.CONNECTION);
        assertThat(failure.retryable()).isTrue();
        assertThat(classified(failure)).isEqualTo(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR));
    }

    @Test
    void aResetConnectionIsAConnectionFailure() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> resetter = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[1024]); // the request has started
                    socket.setSoLinger(true, 0); // close with RST
                } catch (IOException ignored) {
                    // the test fails on the invoker's side if this goes wrong
                }
            });
            InvocationFailure failure = failure(invoker("http://127.0.0.1:" + server.getLocalPort() + "/v1",
                    Duration.ofSeconds(10), 1024), Duration.ofSeconds(10));
            resetter.get(5, TimeUnit.SECONDS);
            assertThat(failure.kind()).isEqualTo(Kind.CONNECTION);
        }
    }

    @Test
    void theKeyIsReadAtCallTimeAndAMissingKeyIsAnAuthFailureWithoutACall() throws Exception {
        OpenAiInvoker invoker = invoker();
        environment.remove(KEY_ENV);
        InvocationFailure failure = failure(invoker, Duration.ofSeconds(10));
        assertThat(failure.kind()).isEqualTo(Kind.AUTH);
        assertThat(failure.providerErrorName()).hasValue(ChatAnswers.MISSING_API_KEY);
        assertThat(provider.seen).isEmpty();
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("WARN").contains(KEY_ENV).contains("not set"));

        environment.put(KEY_ENV, "sk-rotated");
        invoker.invoke(invocation(Duration.ofSeconds(10)));
        assertThat(provider.seen.get(0).authorization()).isEqualTo("Bearer sk-rotated");
    }

    @Test
    void anUnprintableKeyNeverReachesAnExceptionMessage() {
        environment.put(KEY_ENV, KEY + "\r\nX-Injected: 1");
        InvocationFailure failure = failure();
        assertThat(failure.kind()).isEqualTo(Kind.AUTH);
        assertThat(provider.seen).isEmpty();
    }

    @Test
    void withoutAnApiKeyEnvNoAuthorizationIsSent() throws Exception {
        Settings settings = new Settings(Settings.endpoint(provider.baseUrl()), Set.of("local"), "", Duration.ofSeconds(2),
                Duration.ofSeconds(10), 1024 * 1024);
        new OpenAiInvoker(settings, TestSupport.logger(log), environment::get, Clock.systemUTC())
                .invoke(invocation(Duration.ofSeconds(10)));
        assertThat(provider.seen.get(0).authorization()).isNull();
    }

    @Test
    void anInterruptAbortsTheCallAndKeepsTheInterrupt() throws Exception {
        provider.answering(provider.stallAfterHeaders());
        OpenAiInvoker invoker = invoker();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                invoker.invoke(invocation(Duration.ofSeconds(20)));
            } catch (Throwable t) {
                thrown.set(t);
            }
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        TestSupport.await("the request reached the provider", Duration.ofSeconds(5), () -> !provider.seen.isEmpty());
        caller.interrupt();
        caller.join(5000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOfSatisfying(InvocationFailure.class, f -> assertThat(f.kind()).isEqualTo(Kind.ABORTED));
        assertThat(interrupted.get()).isTrue();
    }

    @Test
    void supportsFollowsTheConfiguredProviders() {
        OpenAiInvoker unconfigured = new OpenAiInvoker(TestSupport.config(Map.of()), TestSupport.logger(log));
        assertThat(unconfigured.supports(ModelRef.parse("openai/gpt-5.2"))).as("default: serves none").isFalse();

        OpenAiInvoker invoker = new OpenAiInvoker(TestSupport.config(Map.of("providers", new String[] { "openai, local" })),
                TestSupport.logger(log));
        assertThat(invoker.supports(ModelRef.parse("openai/gpt-5.2"))).isTrue();
        assertThat(invoker.supports(ModelRef.parse("local/llama/3"))).isTrue();
        assertThat(invoker.supports(ModelRef.parse("openai-codex/gpt-5.3-codex"))).isFalse();
        assertThat(invoker.name()).isEqualTo("openai");
    }

    @Test
    void aConfigurationChangeKeepsTheCallInFlightAndABadOneIsRejected() throws Exception {
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        provider.answering((model, exchange) -> {
            answer.await(10, TimeUnit.SECONDS);
            reply(exchange, 200, success("late", model));
        });
        OpenAiInvoker invoker = new OpenAiInvoker(TestSupport.config(Map.of("providers", new String[] { "local" }, "baseUrl",
                provider.baseUrl(), "apiKeyEnv", "")), TestSupport.logger(log));
        CompletableFuture<InvocationResult> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return invoker.invoke(invocation(Duration.ofSeconds(10)));
            } catch (InvocationFailure e) {
                throw new IllegalStateException(e);
            }
        });
        TestSupport.await("the request reached the provider", Duration.ofSeconds(5), () -> !provider.seen.isEmpty());
        invoker.modified(TestSupport.config(Map.of("providers", new String[] { "other" }, "baseUrl", "http://127.0.0.1:9/v1")));
        assertThat(invoker.supports(MODEL)).isFalse();
        answer.countDown();
        assertThat(inFlight.get(10, TimeUnit.SECONDS).text()).isEqualTo("late");

        invoker.modified(TestSupport.config(Map.of("providers", new String[] { "local" }, "totalTimeout", "soon")));
        assertThat(invoker.supports(MODEL)).as("the last good configuration stays").isFalse();
        assertThat(log).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains("totalTimeout"));
    }

    @Test
    void aMalformedConfigurationNamesThePropertyButNeverTheUrl() {
        assertThat(catchThrowableOfType(() -> Settings.endpoint("ftp://user:pw@host/x"), IllegalArgumentException.class))
                .hasMessageContaining("baseUrl").hasMessageNotContaining("pw");
        assertThat(catchThrowableOfType(() -> Settings.apiKeyEnv("sk-abc def"), IllegalArgumentException.class))
                .hasMessageContaining("apiKeyEnv").hasMessageNotContaining("sk-abc");
        assertThat(catchThrowableOfType(() -> Settings.providers(new String[] { "a/b" }), IllegalArgumentException.class))
                .hasMessageContaining("providers");
        assertThat(Settings.endpoint("http://127.0.0.1:8080/v1/").toString()).isEqualTo("http://127.0.0.1:8080/v1/chat/completions");
    }
}
