package dev.otto.catalog;

import static dev.otto.catalog.OpenCodeAnswersTest.fixture;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers the three catalog endpoints with the real OpenCode 1.18.33
 * bodies, and lets a test replace the {@code /config/providers} answer with a fault. It is not an
 * imitation of OpenCode: only the bytes of real answers and the faults a network can produce.
 */
final class FakeOpenCode implements AutoCloseable {

    /** {@code GET /global/health} of OpenCode 1.18.33 (shape from its OpenAPI document). */
    static final byte[] HEALTH = "{\"healthy\":true,\"version\":\"1.18.33\"}".getBytes(UTF_8);
    static final byte[] PROVIDERS = fixture("config-providers.openai-connected.json");
    static final byte[] CONFIG = fixture("config.model-set.json");

    /** Answers one request; may block (a stall) until {@link #close()}. */
    interface Answer {
        void answer(HttpExchange exchange, FakeOpenCode server) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-opencode");
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Answer providers = ok(PROVIDERS);
    private volatile String requiredAuthorization;
    private volatile boolean stopped;

    FakeOpenCode() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor); // the default runs handlers one at a time: a stall would block the rest
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Replaces the answer of {@code /config/providers}. */
    void providers(Answer answer) {
        providers = answer;
    }

    /** From now on every request without exactly this {@code Authorization} header gets 401. */
    void requireAuthorization(String header) {
        requiredAuthorization = header;
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    void resetHits() {
        hits.clear();
    }

    /** Every {@code Authorization} header received, in order ("" when absent). */
    List<String> authorizations() {
        return authorizations;
    }

    /** Stops listening: the port refuses connections from now on. */
    void stop() {
        if (!stopped) {
            stopped = true;
            closing.countDown();
            server.stop(0);
        }
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    /** Holds the calling handler until the server closes, or {@code limitMillis} at most. */
    void stall(long limitMillis) throws InterruptedException {
        closing.await(limitMillis, TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            String required = requiredAuthorization;
            if (required != null && !required.equals(authorization)) {
                send(exchange, 401, "{\"error\":\"unauthorized\"}".getBytes(UTF_8));
                return;
            }
            switch (path) {
                case "/global/health" -> send(exchange, 200, HEALTH);
                case "/config" -> send(exchange, 200, CONFIG);
                case "/config/providers" -> providers.answer(exchange, this);
                default -> send(exchange, 404, "{\"error\":\"not found\"}".getBytes(UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a timed-out fetch): nothing to answer
        }
    }

    static Answer ok(byte[] body) {
        return (exchange, server) -> send(exchange, 200, body);
    }

    static Answer status(int status) {
        return (exchange, server) -> send(exchange, status, "{\"error\":\"boom\"}".getBytes(UTF_8));
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
