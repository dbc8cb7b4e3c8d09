package dev.otto.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogFetchException.Cause;

/**
 * GETs of the OpenCode server's JSON endpoints, with what a catalog fetch needs and a plain
 * {@link HttpClient} does not give: one deadline for headers and body together (a server that
 * stalls after its headers still times out), a cap on the body size, basic auth that never shows
 * up in a message, and failures sorted into {@link Cause}s an operator can act on.
 */
final class OpenCodeHttp {

    /** The server password: OpenCode's own variable. */
    static final String PASSWORD_ENV = "OPENCODE_SERVER_PASSWORD";
    /** The server user name, {@value #DEFAULT_USER} unless set. */
    static final String USER_ENV = "OPENCODE_SERVER_USERNAME";
    static final String DEFAULT_USER = "opencode";

    private final URI base;
    private final HttpClient client;
    private final String authorization; // null without a password; never logged or put in a message
    private final long maxBytes;

    OpenCodeHttp(URI base, Duration connectTimeout, long maxBytes, String user, String password) {
        this.base = base;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.authorization = password == null || password.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                        ((user == null || user.isBlank() ? DEFAULT_USER : user) + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    URI base() {
        return base;
    }

    /** GETs {@code path} and returns the body; {@code deadlineNanos} is a {@link System#nanoTime()} instant. */
    byte[] get(String path, long deadlineNanos) throws CatalogFetchException {
        URI uri = resolve(path);
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new CatalogFetchException(base, Cause.TIMED_OUT, "no time left before GET " + path);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
                .timeout(Duration.ofNanos(remaining)).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<InputStream>> response =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<byte[]> body = response.thenApply(r -> readBody(r, path));
        try {
            return body.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            body.cancel(true);
            response.thenAccept(r -> closeQuietly(r.body())); // stops a stalled body
            throw new CatalogFetchException(base, Cause.TIMED_OUT, "GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            body.cancel(true);
            throw new CatalogFetchException(base, Cause.IO, "interrupted during GET " + path, e);
        } catch (ExecutionException e) {
            throw classify(e.getCause(), path);
        }
    }

    private URI resolve(String path) {
        String root = base.toString();
        return URI.create(root.endsWith("/") ? root.substring(0, root.length() - 1) + path : root + path);
    }

    private byte[] readBody(HttpResponse<InputStream> response, String path) {
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw new Failure(new CatalogFetchException(base, Cause.UNAUTHORIZED, "HTTP " + status + " from " + path
                        + (authorization == null ? "; no password was given (" + PASSWORD_ENV + ")" : "")));
            }
            if (status < 200 || status > 299) {
                throw new Failure(new CatalogFetchException(base, Cause.HTTP_ERROR, "HTTP " + status + " from " + path));
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new Failure(new CatalogFetchException(base, Cause.TOO_LARGE,
                        path + " answered more than " + maxBytes + " bytes"));
            }
            return bytes;
        } catch (IOException e) {
            throw new Failure(classify(e, path));
        }
    }

    private CatalogFetchException classify(Throwable failure, String path) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Failure) {
                return ((Failure) t).exception;
            }
        }
        if (failure instanceof HttpConnectTimeoutException || failure instanceof HttpTimeoutException) {
            return new CatalogFetchException(base, Cause.TIMED_OUT, "GET " + path, failure);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new CatalogFetchException(base, Cause.REFUSED, null, failure);
            }
        }
        return new CatalogFetchException(base, Cause.IO, failure.getClass().getSimpleName() + " during GET " + path, failure);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the exchange is being abandoned anyway
        }
    }

    /** Carries a classified failure through the CompletableFuture chain. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient CatalogFetchException exception;

        Failure(CatalogFetchException exception) {
            super(null, null, false, false);
            this.exception = exception;
        }
    }
}
