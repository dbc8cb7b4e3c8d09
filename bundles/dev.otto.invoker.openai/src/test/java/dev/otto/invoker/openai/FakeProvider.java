package dev.otto.invoker.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenAI-compatible chat completions endpoint on loopback ({@code 127.0.0.1}, a free port) that
 * answers as its script says, per requested model. Never a real provider.
 */
public final class FakeProvider implements AutoCloseable {

    /** What one request carried. */
    public record Seen(String model, String authorization, String body) {
    }

    /** Answers one exchange; {@code model} is the request's {@code model} field. */
    @FunctionalInterface
    public interface Script {
        void answer(String model, HttpExchange exchange) throws IOException, InterruptedException;
    }

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch released = new CountDownLatch(1);
    public final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private volatile Script script = (model, exchange) -> reply(exchange, 200, success("hello", model));

    public FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Matcher model = MODEL.matcher(body);
                String modelId = model.find() ? model.group(1) : "";
                seen.add(new Seen(modelId, exchange.getRequestHeaders().getFirst("Authorization"), body));
                script.answer(modelId, exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeProvider answering(Script newScript) {
        this.script = newScript;
        return this;
    }

    /** A {@code chat.completion} answer with usage 12 in, 5 out, and {@code model} as returned. */
    public static String success(String text, String model) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}";
    }

    /** OpenAI's error body; the message says things that must never leave the invoker. */
    public static String error(String type, String code) {
        return "{\"error\":{\"message\":\"SECRET-MESSAGE for sk-leaked-in-message\",\"type\":" + quoted(type) + ",\"param\":null,"
                + "\"code\":" + quoted(code) + "}}";
    }

    private static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    /** Sends a whole JSON answer; {@code headers} are name, value pairs. */
    public static void reply(HttpExchange exchange, int status, String body, String... headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends 200 and the start of a body, then nothing until the provider is closed. */
    public Script stallAfterHeaders() {
        return (model, exchange) -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"id\":\"chatcmpl-1\",".getBytes(StandardCharsets.UTF_8));
            out.flush();
            released.await(30, TimeUnit.SECONDS);
        };
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
