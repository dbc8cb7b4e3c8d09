package dev.otto.catalog;

import static dev.otto.catalog.OpenCodeAnswersTest.fixture;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small {@link OpenCodeConnection} for the catalog's tests: it answers the three catalog
 * endpoints with the real OpenCode 1.18.33 bodies, lets a test replace any answer with a failure
 * of the connection, and records each call. The connection itself (HTTP, deadlines, credentials)
 * is tested in dev.otto.opencode.
 */
final class FakeConnection implements OpenCodeConnection {

    /** {@code GET /global/health} of OpenCode 1.18.33 (shape from its OpenAPI document). */
    static final byte[] HEALTH = "{\"healthy\":true,\"version\":\"1.18.33\"}".getBytes(UTF_8);
    static final byte[] PROVIDERS = fixture("config-providers.openai-connected.json");
    static final byte[] CONFIG = fixture("config.model-set.json");

    /** Answers one GET; may block or throw what the connection would. */
    interface Answer {
        byte[] answer(FakeConnection connection, String path) throws OpenCodeException, InterruptedException;
    }

    /** One GET as the source made it. */
    record Call(String path, Instant deadline, long maxBytes) {
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile URI url;
    private volatile boolean managed;

    FakeConnection(URI url) {
        this.url = url;
        answers.put("/global/health", ok(HEALTH));
        answers.put("/config/providers", ok(PROVIDERS));
        answers.put("/config", ok(CONFIG));
    }

    URI url() {
        return url;
    }

    /** Moves the connection to another server (what its {@code @Modified} does). */
    void url(URI moved) {
        url = moved;
    }

    void managed(boolean isManaged) {
        managed = isManaged;
    }

    void answer(String path, Answer answer) {
        answers.put(path, answer);
    }

    /** Every call fails with {@code cause} (the server is unreachable, say). */
    void failAll(OpenCodeException.Cause cause) {
        for (String path : List.of("/global/health", "/config/providers", "/config")) {
            answers.put(path, failure(cause, 0));
        }
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    int hits(String path) {
        return (int) calls.stream().filter(call -> call.path().equals(path)).count();
    }

    static Answer ok(byte[] body) {
        return (connection, path) -> body;
    }

    /** A failure as the connection reports it: its message names the server and the request. */
    static Answer failure(OpenCodeException.Cause cause, int status) {
        return (connection, path) -> {
            throw new OpenCodeException(connection.url, cause, status, "GET " + path, null);
        };
    }

    @Override
    public OpenCodeResponse get(String path, Instant deadline, long maxBytes) throws OpenCodeException, InterruptedException {
        calls.add(new Call(path, deadline, maxBytes));
        Answer answer = answers.get(path);
        if (answer == null) {
            throw new OpenCodeException(url, OpenCodeException.Cause.HTTP_ERROR, 404, "GET " + path, null);
        }
        return new OpenCodeResponse(200, answer.answer(this, path));
    }

    @Override
    public OpenCodeResponse post(String path, byte[] json, Instant deadline) {
        throw new UnsupportedOperationException("the catalog only reads");
    }

    @Override
    public OpenCodeResponse delete(String path, Instant deadline) {
        throw new UnsupportedOperationException("the catalog only reads");
    }

    @Override
    public SessionEvents subscribe(String sessionId) {
        throw new UnsupportedOperationException("the catalog does not listen to sessions");
    }

    @Override
    public OpenCodeStatus status() {
        return new OpenCodeStatus(url, managed, managed ? 4242 : 0, true, null, 0, null, 0);
    }
}
