package dev.otto.opencode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeException.Cause;
import dev.otto.api.opencode.OpenCodeResponse;

/**
 * The HTTP client for one OpenCode server (one URL, one connect timeout, one set of credentials),
 * with what a plain {@link HttpClient} does not give: one deadline for headers and body together
 * (a server that stalls after its headers still ends at the deadline, and its body is closed), a
 * cap on the body size, basic auth that never shows up in a message, and failures sorted into
 * {@link Cause}s an operator can act on. Immutable: a new URL or timeout is a new instance, so a
 * call in flight finishes on the server it started with.
 */
final class OpenCodeHttp {

    /** The largest answer accepted by {@code post} and {@code delete}, which take no cap of their own. */
    static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** Said in the 401/403 message when Otto sent no password at all. */
    static final String NO_PASSWORD = "no password was given (" + Credentials.PASSWORD_ENV + ")";

    /** Longest wait a deadline is turned into; later deadlines are cut to it (no overflow). */
    private static final long MAX_WAIT_NANOS = Duration.ofDays(1).toNanos();

    private final URI base;
    private final Duration connectTimeout;
    private final Credentials credentials;
    private final HttpClient client;

    OpenCodeHttp(URI base, Duration connectTimeout, Credentials credentials) {
        this.base = base;
        this.connectTimeout = connectTimeout;
        this.credentials = credentials;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    URI base() {
        return base;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Sends one request and reads its answer, all before {@code deadline}.
     *
     * @param json the body, or null for none
     */
    OpenCodeResponse send(String method, String path, byte[] json, Instant deadline, long maxBytes)
            throws OpenCodeException, InterruptedException {
        String request = method + " " + withoutQuery(path);
        URI uri = resolve(path);
        long remaining = remainingNanos(deadline);
        if (remaining <= 0) {
            throw new OpenCodeException(base, Cause.TIMED_OUT, 0, request, "no time left before sending");
        }
        long deadlineNanos = System.nanoTime() + remaining;
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining))
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(json));
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        authorize(builder);
        CompletableFuture<HttpResponse<InputStream>> response =
                client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<OpenCodeResponse> answer = response.thenApply(r -> read(r, request, maxBytes));
        try {
            return answer.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(response);
            throw new OpenCodeException(base, Cause.TIMED_OUT, 0, request, null);
        } catch (InterruptedException e) {
            abandon(response);
            throw e;
        } catch (ExecutionException e) {
            throw classify(e.getCause(), request);
        }
    }

    /**
     * Starts {@code GET path} as a server-sent event stream: no timeout of its own (the stream has
     * no end), the caller bounds the wait for the headers and closes the body.
     */
    CompletableFuture<HttpResponse<InputStream>> openEventStream(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).GET()
                .header("Accept", "text/event-stream").header("Cache-Control", "no-cache");
        authorize(builder);
        return client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Sorts a failure of an exchange into a {@link Cause}; the detail is at most a class name. */
    OpenCodeException classify(Throwable failure, String request) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Failure) {
                return ((Failure) c).exception;
            }
        }
        if (t instanceof HttpTimeoutException) { // includes HttpConnectTimeoutException
            return new OpenCodeException(base, Cause.TIMED_OUT, 0, request,
                    t instanceof HttpConnectTimeoutException ? "no connection within " + connectTimeout : null);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return new OpenCodeException(base, Cause.REFUSED, 0, request, null);
            }
        }
        return new OpenCodeException(base, Cause.IO, 0, request, t.getClass().getSimpleName());
    }

    /** The error an answer's status means, or null for 2xx. */
    OpenCodeException statusError(int status, String request) {
        if (status == 401 || status == 403) {
            return new OpenCodeException(base, Cause.UNAUTHORIZED, status, request, credentials.present() ? null : NO_PASSWORD);
        }
        if (status < 200 || status > 299) {
            return new OpenCodeException(base, Cause.HTTP_ERROR, status, request, null);
        }
        return null;
    }

    private void authorize(HttpRequest.Builder builder) {
        if (credentials.present()) {
            builder.header("Authorization", credentials.authorization());
        }
    }

    private OpenCodeResponse read(HttpResponse<InputStream> response, String request, long maxBytes) {
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            OpenCodeException error = statusError(status, request);
            if (error != null) {
                throw new Failure(error); // the body of an error answer is never read: it is nobody's business
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new Failure(new OpenCodeException(base, Cause.TOO_LARGE, 0, request,
                        "more than " + maxBytes + " bytes"));
            }
            return new OpenCodeResponse(status, bytes);
        } catch (IOException e) {
            throw new Failure(classify(e, request));
        }
    }

    /** Cancels an exchange nobody waits for any more, and closes its body if the headers came. */
    static void abandon(CompletableFuture<HttpResponse<InputStream>> response) {
        response.cancel(true);
        response.thenAccept(r -> closeQuietly(r.body()));
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the exchange is being abandoned anyway
        }
    }

    private URI resolve(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        String root = base.toString();
        return URI.create(root.endsWith("/") ? root.substring(0, root.length() - 1) + path : root + path);
    }

    private static String withoutQuery(String path) {
        int query = path == null ? -1 : path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static long remainingNanos(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return 0;
        }
        return left.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) > 0 ? MAX_WAIT_NANOS : left.toNanos();
    }

    /** Carries a classified failure through the CompletableFuture chain. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient OpenCodeException exception;

        Failure(OpenCodeException exception) {
            super(null, null, false, false);
            this.exception = exception;
        }
    }
}
