package dev.otto.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI-compatible provider on loopback that fails on purpose, for OpenCode to call: model
 * {@code fail-500} answers HTTP 500, {@code fail-429} answers 429 (a rate limit), {@code hang}
 * never answers, and every other model streams a short answer with usage, as OpenCode expects
 * ({@code stream: true} chat completions). It stands in for a provider, never for OpenCode.
 */
public final class StubProvider implements AutoCloseable {

    private static final String COUNT_PATH = "/itest/requests";

    private final HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    private StubProvider(HttpServer server) {
        this.server = server;
    }

    public static StubProvider start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            StubProvider stub = new StubProvider(server);
            server.createContext("/v1/chat/completions", stub::handle);
            server.createContext(COUNT_PATH, stub::count);
            server.setExecutor(Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "stub-provider");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** How many requests for a model carried a text, e.g. an SOP's marker that must reach the provider. */
    public long requestsFor(String model, String text) {
        return bodies.stream().filter(b -> b.contains("\"model\":\"" + model + "\"") && b.contains(text)).count();
    }

    /**
     * {@link #requestsFor} asked over HTTP, for a Pax Exam probe (it runs in the container with its own
     * copy of this class): {@code GET <COUNT_PATH>?<model>&<text>}, both URL-encoded; the answer is the count.
     */
    public static long requestsFor(int port, String model, String text) {
        try {
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + COUNT_PATH + "?"
                    + java.net.URLEncoder.encode(model, StandardCharsets.UTF_8) + "&"
                    + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8));
            return Long.parseLong(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void count(HttpExchange exchange) throws IOException {
        String[] query = exchange.getRequestURI().getRawQuery().split("&", 2);
        long count = requestsFor(java.net.URLDecoder.decode(query[0], StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(query[1], StandardCharsets.UTF_8));
        send(exchange, 200, "text/plain", String.valueOf(count));
    }

    /** The opencode.json provider entry OpenCode needs to call this stub. */
    public String opencodeProvider() {
        return "\"stub\": {\"npm\": \"@ai-sdk/openai-compatible\", \"name\": \"Stub\", \"options\": {\"baseURL\": "
                + "\"http://127.0.0.1:" + port() + "/v1\", \"apiKey\": \"x\"}, \"models\": {\"echo-1\": {\"name\": \"Echo 1\"}, "
                + "\"echo-2\": {\"name\": \"Echo 2\"}, "
                + "\"fail-500\": {\"name\": \"Fails 500\"}, \"fail-429\": {\"name\": \"Fails 429\"}, \"hang\": {\"name\": \"Hangs\"}}}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        bodies.add(body);
        if (body.contains("\"model\":\"fail-500\"")) {
            send(exchange, 500, "application/json", "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
        } else if (body.contains("\"model\":\"fail-429\"")) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            send(exchange, 429, "application/json",
                    "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"rate_limit_exceeded\"}}");
        } else if (body.contains("\"model\":\"hang\"")) {
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        } else {
            String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"echo-1\",\"choices\":[";
            send(exchange, 200, "text/event-stream",
                    "data: " + chunk + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hello from stub\"},"
                            + "\"finish_reason\":null}]}\n\n"
                            + "data: " + chunk + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}\n\n"
                            + "data: [DONE]\n\n");
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
