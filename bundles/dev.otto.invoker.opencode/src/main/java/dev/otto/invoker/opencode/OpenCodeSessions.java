package dev.otto.invoker.opencode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.spi.InvocationFailure;

/**
 * The few OpenCode session endpoints the invoker needs, each call bounded by the attempt's
 * deadline. A transport problem becomes an {@link InvocationFailure} (connection or timeout);
 * nothing from a body, header or the password reaches a message.
 */
final class OpenCodeSessions {

    private static final long MAX_BODY = 32L * 1024 * 1024;

    private final URI base;
    private final HttpClient client;
    private final String authorization;
    private final ObjectMapper json;

    OpenCodeSessions(URI base, String user, String password, ObjectMapper json) {
        this.base = base;
        this.json = json;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.authorization = password == null || password.isEmpty() ? null : "Basic " + Base64.getEncoder().encodeToString(
                ((user == null || user.isBlank() ? "opencode" : user) + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    URI base() {
        return base;
    }

    JsonNode get(String path, Instant deadline) throws InvocationFailure, InterruptedException {
        return send(HttpRequest.newBuilder(resolve(path)).GET(), path, deadline);
    }

    JsonNode delete(String path, Instant deadline) throws InvocationFailure, InterruptedException {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE(), path, deadline);
    }

    JsonNode post(String path, Object body, Instant deadline) throws InvocationFailure, InterruptedException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new InvocationFailure(InvocationFailure.Kind.INVALID_REQUEST, null, null, null, false);
        }
        return send(HttpRequest.newBuilder(resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("Content-Type", "application/json"), path, deadline);
    }

    private URI resolve(String path) {
        String root = base.toString();
        return URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + path);
    }

    private JsonNode send(HttpRequest.Builder builder, String path, Instant deadline)
            throws InvocationFailure, InterruptedException {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw InvocationFailure.timeout();
        }
        builder.timeout(left).header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw InvocationFailure.timeout();
        } catch (ConnectException e) {
            throw new InvocationFailure(InvocationFailure.Kind.CONNECTION, null, null, null, true);
        } catch (IOException e) {
            throw new InvocationFailure(InvocationFailure.Kind.CONNECTION, null, null, null, true);
        }
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw new InvocationFailure(InvocationFailure.Kind.AUTH, status, null, "OpenCodeUnauthorized", false);
            }
            if (status < 200 || status > 299) {
                // OpenCode itself failed (not the provider): retryable on another model only if it is a 5xx
                throw new InvocationFailure(InvocationFailure.Kind.HTTP_STATUS, status, null, "OpenCodeServer", status >= 500);
            }
            byte[] bytes = in.readNBytes((int) MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new InvocationFailure(InvocationFailure.Kind.UNKNOWN, null, null, "MalformedResponse", false);
            }
            return bytes.length == 0 ? json.nullNode() : json.readTree(bytes);
        } catch (IOException e) {
            throw new InvocationFailure(InvocationFailure.Kind.UNKNOWN, null, null, "MalformedResponse", false);
        }
    }
}
