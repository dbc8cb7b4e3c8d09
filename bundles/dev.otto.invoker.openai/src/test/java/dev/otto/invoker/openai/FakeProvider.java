package dev.otto.invoker.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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
 * answers as its script says, per requested model: whole JSON answers, streamed answers
 * (server-sent events) and the ways a stream fails. Never a real provider. {@link Raw} is the same
 * on a bare socket, for what an HTTP server does not let a script do (no headers at all, a reset,
 * a connection cut inside a chunk).
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

    /** The longest a script holds a connection open, when the test does not close the provider first. */
    static final Duration HOLD = Duration.ofSeconds(30);

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch released = new CountDownLatch(1);
    public final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private volatile Script script = (model, exchange) -> stream(exchange, "hello", model);

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
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A {@code chat.completion.chunk} as OpenAI streams it; {@code delta} is JSON, {@code finish} null or a reason. */
    public static String chunk(String model, String delta, String finish) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + quoted(finish) + "}]}";
    }

    /** The first chunk of an OpenAI stream: the role, and empty content. */
    public static String roleChunk(String model) {
        return chunk(model, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);
    }

    /** A chunk with a piece of text. */
    public static String textChunk(String model, String text) {
        return chunk(model, "{\"content\":\"" + text + "\"}", null);
    }

    /** The last chunk of an OpenAI stream with {@code include_usage}: no choices, the usage (12 in, 5 out). */
    public static String usageChunk(String model) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}";
    }

    /** {@code data: <json>} and the blank line that ends the event. */
    public static String event(String data) {
        return "data: " + data + "\n\n";
    }

    /** The events of a whole streamed answer: role, the text word by word, stop, usage, {@code [DONE]}. */
    public static List<String> answerEvents(String text, String model) {
        List<String> events = new ArrayList<>();
        events.add(event(roleChunk(model)));
        String[] words = text.split("(?<= )");
        for (String word : words) {
            events.add(event(textChunk(model, word)));
        }
        events.add(event(chunk(model, "{}", "stop")));
        events.add(event(usageChunk(model)));
        events.add(event("[DONE]"));
        return events;
    }

    /** Starts an event stream: 200, {@code text/event-stream}, chunked. */
    public static OutputStream startStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    /** Writes text and flushes it as one chunk. */
    public static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Streams a whole answer (see {@link #answerEvents}), all at once. */
    public static void stream(HttpExchange exchange, String text, String model) throws IOException {
        try (OutputStream out = startStream(exchange)) {
            for (String event : answerEvents(text, model)) {
                send(out, event);
            }
        }
    }

    /**
     * Waits as a provider does, unless the provider is closed first.
     *
     * @return false if the provider was closed
     */
    public boolean pause(Duration pause) throws InterruptedException {
        return !released.await(pause.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends 200 and the start of a JSON body, then nothing until the provider is closed. */
    public Script stallAfterHeaders() {
        return (model, exchange) -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"id\":\"chatcmpl-1\",".getBytes(StandardCharsets.UTF_8));
            out.flush();
            released.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
        };
    }

    /** Reads the request and sends nothing at all, not even headers, until the provider is closed. */
    public Script silent() {
        return (model, exchange) -> released.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Streams the role chunk, then nothing until the provider is closed. */
    public Script stallAfterFirstChunk() {
        return (model, exchange) -> {
            OutputStream out = startStream(exchange);
            send(out, event(roleChunk(model)));
            released.await(HOLD.toMillis(), TimeUnit.MILLISECONDS);
        };
    }

    /** Starts an event stream and sends only keep-alive comments, one every {@code every}, until closed. */
    public Script keepAlivesOnly(Duration every) {
        return (model, exchange) -> {
            OutputStream out = startStream(exchange);
            do {
                send(out, ": ping\n\n");
            } while (pause(every));
        };
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * A loopback TCP server that reads one HTTP/1.1 request per connection and hands the socket to
     * its script, which writes whatever bytes it likes. The tests start and close it.
     */
    public static final class Raw implements AutoCloseable {

        /** Answers one connection; the request has been read. */
        @FunctionalInterface
        public interface SocketScript {
            void answer(Socket socket, OutputStream out) throws IOException, InterruptedException;
        }

        private final ServerSocket server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final SocketScript script;
        public final List<String> requests = Collections.synchronizedList(new ArrayList<>());

        public Raw(SocketScript script) throws IOException {
            this.script = script;
            server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            executor.execute(this::accept);
        }

        public String baseUrl() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    executor.execute(() -> {
                        try (socket) {
                            requests.add(readRequest(socket.getInputStream()));
                            script.answer(socket, socket.getOutputStream());
                        } catch (IOException | RuntimeException e) {
                            // the connection went: the invoker's side of the test says what that means
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** The request's head and body (by its Content-Length). */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the request ended early");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
            byte[] body = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
            return text + new String(body, StandardCharsets.UTF_8);
        }

        /** The head of a chunked event stream. */
        public static void streamHead(OutputStream out) throws IOException {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** One HTTP chunk. */
        public static void chunk(OutputStream out, String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length).toUpperCase(Locale.ROOT) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /**
         * Waits until the client closes the connection (EOF or reset), at most {@code limit}.
         *
         * @return whether it did
         */
        public static boolean awaitClientClose(Socket socket, Duration limit) throws IOException {
            long end = System.nanoTime() + limit.toNanos();
            InputStream in = socket.getInputStream();
            while (System.nanoTime() - end < 0) {
                socket.setSoTimeout((int) Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
                try {
                    if (in.read() < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // keep waiting
                } catch (IOException reset) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            server.close();
            executor.shutdownNow();
        }
    }
}
