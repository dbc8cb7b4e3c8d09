package dev.otto.invoker.openai;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;

/**
 * POSTs to a chat completions endpoint with what an attempt needs and a plain {@link HttpClient}
 * does not give: one deadline for headers and body together (a server that stalls after its
 * headers still times out), a cap on the body, and transport failures as {@link InvocationFailure}s
 * (no cause attached, no URL, header or body in any message).
 */
final class ChatCompletionsHttp {

    /** Error bodies are read only for their error type name: a small cap is plenty. */
    static final int ERROR_BODY_CAP = 65_536;

    private final URI endpoint;
    private final HttpClient client;
    private final long maxBytes;
    private final BodyDeadlines deadlines;

    /** What the server answered. {@code body} is null when it exceeded its cap ({@code tooLarge}). */
    record Answer(int status, HttpHeaders headers, byte[] body, boolean tooLarge) {
    }

    /**
     * @param deadlines fails a body still arriving at the deadline; shared, owned by the caller
     */
    ChatCompletionsHttp(URI endpoint, Duration connectTimeout, long maxBytes, BodyDeadlines deadlines) {
        this.endpoint = endpoint;
        this.deadlines = deadlines;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * POSTs a JSON body and waits for the whole answer until {@code deadlineNanos} (a
     * {@link System#nanoTime()} instant).
     *
     * @param authorization the Authorization header value, or null; never in a message
     */
    Answer post(byte[] json, String authorization, long deadlineNanos) throws InvocationFailure {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw InvocationFailure.timeout();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofNanos(remaining))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        // HttpRequest.timeout covers the wait for the headers; the body's subscriber is failed at the
        // deadline by BodyDeadlines. A blocking send(): sendAsync() hands its result over to another
        // thread of the client's executor, which costs more than everything else of a loopback call.
        CappedBody.Handler handler = new CappedBody.Handler(maxBytes, ERROR_BODY_CAP);
        BodyDeadlines.Call watched = deadlines.start(deadlineNanos, handler::expire);
        if (watched == null) {
            throw InvocationFailure.of(Kind.ABORTED, true); // a call started after the invoker was deactivated
        }
        try {
            HttpResponse<CappedBody> answer = client.send(request.build(), handler);
            CappedBody body = answer.body();
            return new Answer(answer.statusCode(), answer.headers(), body.bytes(), body.tooLarge());
        } catch (InterruptedException e) {
            handler.expire();
            Thread.currentThread().interrupt();
            throw InvocationFailure.of(Kind.ABORTED, true);
        } catch (IOException | RuntimeException e) {
            throw transportFailure(e);
        } finally {
            deadlines.done(watched);
        }
    }

    /** Timeouts are TIMEOUT; refused, reset or any other broken exchange is CONNECTION. */
    static InvocationFailure transportFailure(Throwable failure) {
        Throwable t = failure;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException || c instanceof HttpTimeoutException) {
                return InvocationFailure.timeout();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof IOException) {
                return InvocationFailure.of(Kind.CONNECTION, true);
            }
        }
        return InvocationFailure.of(Kind.UNKNOWN, false);
    }
}
