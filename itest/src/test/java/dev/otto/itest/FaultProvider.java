package dev.otto.itest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible provider on loopback that fails on purpose, one way per model id, for
 * OpenCode and for Otto's OpenAI-compatible invoker to call. It speaks HTTP/1.1 on a plain socket so
 * that it can fail the way networks do (reset, cut mid-body, silence), with bodies shaped like
 * real OpenAI and Anthropic errors. It stands in for a provider, never for OpenCode. Every
 * request and every failing answer is recorded with its time, for the tests' bounds and the
 * failover benchmark.
 */
public final class FaultProvider implements AutoCloseable {

    /** The model ids and what each does; the fault matrix in itest/README.md names them. */
    public static final List<String> MODELS = List.of("echo", "fail-500", "overloaded", "rate-limited", "quota", "silent",
            "stall", "cut", "unauthorized", "context", "filtered", "not-found", "bad-request", "reset", "malformed", "empty",
            "flapping", "slow");

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern USER_AGENT = Pattern.compile("(?im)^user-agent:([^\r\n]*)");
    private static final String CHUNK = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"%s\","
            + "\"choices\":[%s]%s}";

    /** Where a probe inside the Pax Exam container reads the requests (it has its own copy of this class). */
    static final String REQUESTS_PATH = "/itest/requests";

    /**
     * One request: the model, who sent it (OpenCode or Otto's own invoker, by user agent), when it
     * arrived and when (if ever) a failing answer was sent, on {@link System#nanoTime()}.
     */
    public record Request(String model, String client, long receivedNanos, long failedNanos) {

        /** Whether OpenCode sent it (else Otto's OpenAI-compatible invoker did). */
        public boolean fromOpenCode() {
            return client.startsWith("opencode");
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private FaultProvider(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "fault-provider");
        this.acceptor.setDaemon(true);
    }

    public static FaultProvider start() {
        try {
            FaultProvider provider = new FaultProvider(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
            provider.acceptor.start();
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** The requests so far, in arrival order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests of the stub on {@code port}, read over HTTP: what a probe in the container calls. */
    public static List<Request> requests(int port) {
        try {
            String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + REQUESTS_PATH)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            List<Request> out = new java.util.ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    String[] f = line.split("\t", -1);
                    out.add(new Request(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The entry of an opencode.json {@code provider} map for this stub under {@code id}, with every model. */
    public String opencodeProvider(String id) {
        StringBuilder models = new StringBuilder();
        for (String model : MODELS) {
            models.append(models.length() == 0 ? "" : ", ").append('"').append(model).append("\": {\"name\": \"")
                    .append(model).append("\"}");
        }
        return "\"" + id + "\": {\"npm\": \"@ai-sdk/openai-compatible\", \"name\": \"" + id + "\", \"options\": "
                + "{\"baseURL\": \"" + baseUrl() + "\", \"apiKey\": \"x\"}, \"models\": {" + models + "}}";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread handler = new Thread(() -> serve(socket), "fault-provider-exchange");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String body = readBody(in, head);
                if (head.startsWith("GET " + REQUESTS_PATH)) {
                    StringBuilder lines = new StringBuilder();
                    for (Request r : requests) {
                        lines.append(r.model()).append('\t').append(r.client()).append('\t').append(r.receivedNanos())
                                .append('\t').append(r.failedNanos()).append('\n');
                    }
                    respond(out, 200, "text/plain", lines.toString(), Map.of());
                    continue;
                }
                if (!head.startsWith("POST ") || !head.contains("/chat/completions")) {
                    respond(out, 404, "application/json", "{\"error\":{\"message\":\"no such path\"}}", Map.of());
                    continue;
                }
                Matcher matcher = MODEL.matcher(body);
                String model = matcher.find() ? matcher.group(1) : "";
                boolean streaming = body.replace(" ", "").contains("\"stream\":true");
                Matcher agent = USER_AGENT.matcher(head);
                String client = agent.find() ? agent.group(1).trim() : "";
                if (!answer(socket, out, model, streaming, client)) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the client went away: nothing to do
        } finally {
            open.remove(socket);
        }
    }

    /** Answers one request; false when the connection must end. */
    private boolean answer(Socket socket, OutputStream out, String model, boolean streaming, String client)
            throws IOException {
        long received = System.nanoTime();
        // "flapping" fails every other request of each client, so both paths see it fail first
        int count = counts.computeIfAbsent(model + " " + client.startsWith("opencode"), m -> new AtomicInteger())
                .incrementAndGet();
        String behaviour = model.equals("flapping") ? (count % 2 == 1 ? "fail-500" : "echo") : model;
        switch (behaviour) {
        case "fail-500":
            fail(received, model, client, out, 500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}", Map.of());
            return true;
        case "overloaded":
            fail(received, model, client, out, 503,
                    "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", Map.of());
            return true;
        case "rate-limited":
            fail(received, model, client, out, 429, "{\"error\":{\"message\":\"Rate limit reached for requests\","
                    + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}", Map.of("Retry-After", "3"));
            return true;
        case "quota":
            fail(received, model, client, out, 429, "{\"error\":{\"message\":\"You exceeded your current quota, please check"
                    + " your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,"
                    + "\"code\":\"insufficient_quota\"}}", Map.of());
            return true;
        case "unauthorized":
            fail(received, model, client, out, 401, "{\"error\":{\"message\":\"Incorrect API key provided: x.\","
                    + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}", Map.of());
            return true;
        case "context":
            fail(received, model, client, out, 400, "{\"error\":{\"message\":\"This model's maximum context length is 128000"
                    + " tokens.\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
                    + "\"code\":\"context_length_exceeded\"}}", Map.of());
            return true;
        case "filtered":
            fail(received, model, client, out, 400, "{\"error\":{\"message\":\"The response was filtered due to the prompt"
                    + " triggering content management policy.\",\"type\":\"invalid_request_error\",\"param\":\"prompt\","
                    + "\"code\":\"content_filter\"}}", Map.of());
            return true;
        case "not-found":
            fail(received, model, client, out, 404, "{\"error\":{\"message\":\"The model `not-found` does not exist or you do"
                    + " not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,"
                    + "\"code\":\"model_not_found\"}}", Map.of());
            return true;
        case "bad-request":
            fail(received, model, client, out, 400, "{\"error\":{\"message\":\"'messages' is a required property\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}", Map.of());
            return true;
        case "malformed":
            record(received, model, client, true);
            respond(out, 200, "text/event-stream", "data: {not json at all\n\n", Map.of());
            return true;
        case "empty":
            record(received, model, client, true);
            respond(out, 200, "application/json", "", Map.of());
            return true;
        case "reset":
            record(received, model, client, true);
            socket.setSoLinger(true, 0);
            return false;
        case "silent":
            record(received, model, client, false);
            hold();
            return false;
        case "stall":
            record(received, model, client, false);
            startStream(out);
            chunk(out, model, delta("Hel"));
            hold();
            return false;
        case "cut":
            record(received, model, client, true);
            startStream(out);
            chunk(out, model, delta("Hel"));
            chunk(out, model, delta("lo"));
            socket.setSoLinger(true, 0); // gone mid-body: no last chunk, no [DONE]
            return false;
        case "slow":
            record(received, model, client, false);
            pause(1500);
            answerNormally(out, model, streaming, 300);
            return true;
        default:
            record(received, model, client, false);
            answerNormally(out, model, streaming, 0);
            return true;
        }
    }

    private void answerNormally(OutputStream out, String model, boolean streaming, long pauseMillis) throws IOException {
        if (!streaming) {
            respond(out, 200, "application/json", "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
                    + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + "\"hello from stub\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,"
                    + "\"completion_tokens\":3,\"total_tokens\":14}}", Map.of());
            return;
        }
        startStream(out);
        chunk(out, model, delta("hello"));
        pause(pauseMillis);
        chunk(out, model, delta(" from"));
        pause(pauseMillis);
        chunk(out, model, delta(" stub"));
        chunk(out, model, "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}");
        writeChunk(out, String.format(CHUNK, model, "", ",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,"
                + "\"total_tokens\":14}"));
        writeChunk(out, "[DONE]");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String delta(String text) {
        return "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"" + text + "\"},\"finish_reason\":null}";
    }

    private void fail(long received, String model, String client, OutputStream out, int status, String json,
            Map<String, String> headers) throws IOException {
        respond(out, status, "application/json", json, headers);
        record(received, model, client, true);
    }

    private void record(long received, String model, String client, boolean failing) {
        requests.add(new Request(model, client, received, failing ? System.nanoTime() : 0));
    }

    private static void startStream(OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void chunk(OutputStream out, String model, String choice) throws IOException {
        writeChunk(out, String.format(CHUNK, model, choice, ""));
    }

    private static void writeChunk(OutputStream out, String data) throws IOException {
        byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(event);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void respond(OutputStream out, int status, String type, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: ").append(type).append("\r\nContent-Length: ").append(bytes.length).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }

    private void hold() {
        try {
            release.await(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause(long millis) {
        try {
            if (millis > 0 && release.await(millis, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request line and headers, or null at the end of the connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
            if (head.size() > 64 * 1024) {
                throw new SocketException("request head too large");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        Matcher length = Pattern.compile("content-length:\\s*(\\d+)").matcher(lower);
        if (length.find()) {
            return new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
        }
        if (lower.contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in).trim();
                int n = Integer.parseInt(size.isEmpty() ? "0" : size.split(";")[0], 16);
                if (n == 0) {
                    readLine(in);
                    return body.toString(StandardCharsets.UTF_8);
                }
                body.write(in.readNBytes(n));
                readLine(in);
            }
        }
        return "";
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        release.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
