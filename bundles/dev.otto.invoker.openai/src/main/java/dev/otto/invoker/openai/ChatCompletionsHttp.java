package dev.otto.invoker.openai;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;

/**
 * POSTs to a chat completions endpoint with what an attempt needs and a plain {@link HttpClient}
 * does not give: the first-token, stall and attempt limits of {@link AttemptDeadlines} over the
 * wait for the headers and the whole body, a cap on the body, the answer read as it streams, and
 * transport failures as {@link InvocationFailure}s (no cause attached, no URL, header or body in
 * any message).
 */
final class ChatCompletionsHttp {

    private final URI endpoint;
    private final HttpClient client;
    private final long maxBytes;
    private final AttemptDeadlines deadlines;
    private final Clock clock;

    /**
     * @param deadlines watches the calls; shared, owned by the caller
     * @param clock the wall clock, for a {@code Retry-After} given as a date
     */
    ChatCompletionsHttp(URI endpoint, Duration connectTimeout, long maxBytes, AttemptDeadlines deadlines, Clock clock) {
        this.endpoint = endpoint;
        this.deadlines = deadlines;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * POSTs a streaming request and waits for the answer. All instants are {@link System#nanoTime()}
     * instants; the first-token limit should be no later than the deadline.
     *
     * @param authorization the Authorization header value, or null; never in a message
     * @param asked the model asked, for the answering model
     * @param firstTokenLimit when the first output must have come
     * @param deadline when the attempt must be over
     * @param stallNanos how long the output may pause once it has begun
     */
    InvocationResult post(byte[] json, String authorization, ModelRef asked, long firstTokenLimit, long deadline,
            long stallNanos) throws InvocationFailure {
        if (Thread.currentThread().isInterrupted()) {
            throw InvocationFailure.of(Kind.ABORTED, true);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream, application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        ChatExchange exchange = new ChatExchange(maxBytes, asked, clock, deadlines);
        AttemptDeadlines.Call watched = deadlines.start(firstTokenLimit, deadline, stallNanos, exchange);
        if (watched == null) {
            throw InvocationFailure.of(Kind.ABORTED, true); // a call started after the invoker was deactivated
        }
        exchange.watch(watched);
        // No request timeout: the watcher bounds the wait for the headers too, and a request timeout
        // also covers the body, which would cut a slow stream. The caller waits on the exchange's
        // own outcome, completed on the client's thread as the answer ends: the client's future
        // reaches the caller through another thread of its executor (sendAsync), which costs more
        // than everything else of a loopback call, so only its failures are taken from it.
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            sent = client.sendAsync(request.build(), exchange);
        } catch (RuntimeException e) {
            deadlines.done(watched);
            throw transportFailure(e);
        }
        exchange.sent(sent);
        return exchange.await();
    }

    /**
     * A connect timeout, a refusal, a reset or any other broken exchange is CONNECTION: the provider
     * cannot be reached (as OpenCode reports it, so the router skips that provider's other models);
     * another HTTP timeout is TIMEOUT.
     */
    static InvocationFailure transportFailure(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return InvocationFailure.of(Kind.CONNECTION, true);
            }
            if (c instanceof HttpTimeoutException) {
                return InvocationFailure.timeout();
            }
        }
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof IOException) {
                return InvocationFailure.of(Kind.CONNECTION, true);
            }
        }
        return InvocationFailure.of(Kind.UNKNOWN, false);
    }
}
