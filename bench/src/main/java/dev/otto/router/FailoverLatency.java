/*
 * The end-to-end failover benchmark of issue 13, a program rather than a JMH benchmark: it measures
 * what a user waits for (milliseconds through a real OpenCode server), not what a CPU does. About
 * 420 lines: the loopback provider, the floor's own event reader and the report belong together.
 */
package dev.otto.router;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import dev.otto.api.routing.RunRequest;
import dev.otto.classifier.DefaultFailureClassifier;
import dev.otto.invoker.openai.OpenAiInvoker;
import dev.otto.invoker.openai.OpenAiInvokerConfig;
import dev.otto.invoker.opencode.OpenCodeInvoker;
import dev.otto.opencode.BenchConnections;

/**
 * Failover latency end to end: the time from a loopback provider sending its failing answer (HTTP
 * 500, or 429 without Retry-After) to it receiving the request for the fallback model, through the
 * real OpenCode server (the OpenCode invoker on its event stream) and through the OpenAI-compatible
 * invoker, sequential and 8 runs at once. Beside it, in the same run: OpenCode's own time from the
 * provider's error to its retry event (read on a stream of this program's own: the floor Otto
 * cannot beat through OpenCode), two direct calls with a bare HTTP client (the yardstick of the
 * direct path), and the HTTP requests Otto sent to OpenCode per routed run. The time through
 * OpenCode splits into the floor (the provider's error to OpenCode's retry event), Otto's part (that
 * event to Otto's prompt for the next model) and OpenCode's intake (that prompt to the provider's
 * request).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.otto.router.FailoverLatency
 * distribution/target/otto/opencode/node_modules/.bin/opencode [runs]}.
 */
public final class FailoverLatency {

    private static final Pattern RUN = Pattern.compile("bench-run-(\\d+)");
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("(?im)^x-session-id:\\s*(\\S+)");

    /** What the provider saw of one request. */
    record Seen(String model, int run, String session, long receivedNanos, long answeredNanos) {
    }

    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> retryEvents = new ConcurrentHashMap<>();
    /** When Otto sent the last prompt of each run to OpenCode, by run. */
    private final Map<Integer, Long> lastPromptSent = new ConcurrentHashMap<>();
    /** Runs that did not fail over once and answer, with what they did. */
    private final List<String> odd = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        Path opencode = Path.of(args.length > 0 ? args[0] : "distribution/target/otto/opencode/node_modules/.bin/opencode")
                .toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        new FailoverLatency().measure(opencode, runs);
        System.exit(0);
    }

    private void measure(Path opencode, int runs) throws Exception {
        ServerSocket provider = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> accept(provider), "bench-provider");
        acceptor.setDaemon(true);
        acceptor.start();
        String base = "http://127.0.0.1:" + provider.getLocalPort() + "/v1";
        Process server = startOpenCode(opencode, base);
        try {
            URI url = URI.create("http://127.0.0.1:" + openCodePort);
            awaitHealthy(url);
            Thread floor = new Thread(() -> readRetries(url), "bench-floor");
            floor.setDaemon(true);
            floor.start();
            OpenCodeConnection real = BenchConnections.connect(url);
            Counting counting = new Counting(real, lastPromptSent);
            // each path fails over to a model of its own path, so a run measures one path
            RoutingService throughOpenCode = router(counting, base, ModelRef.parse("stub/echo"));
            RoutingService direct = router(counting, base, ModelRef.parse("direct/echo"));
            // a first prompt after OpenCode starts loads its plugins and the provider package
            throughOpenCode.run(request(ModelRef.parse("stub/echo"), 0));
            direct.run(request(ModelRef.parse("direct/echo"), 0));
            System.out.printf(Locale.ROOT, "%-34s %4s %8s %8s %8s %10s %10s %s%n", "case", "n", "median", "p90", "floor",
                    "otto", "intake", "requests to OpenCode per run (both attempts)");
            AtomicInteger next = new AtomicInteger(1);
            for (String failure : List.of("fail-500", "fail-429")) {
                for (String path : List.of("opencode", "direct")) {
                    for (int parallel : new int[] { 1, 8 }) {
                        List<Integer> ids = new ArrayList<>();
                        long before = counting.requests.get();
                        ExecutorService pool = Executors.newFixedThreadPool(parallel);
                        List<Future<?>> done = new ArrayList<>();
                        for (int i = 0; i < runs; i++) {
                            int id = next.getAndIncrement();
                            ids.add(id);
                            ModelRef model = ModelRef.of(path.equals("opencode") ? "stub" : "direct", failure);
                            RoutingService router = path.equals("opencode") ? throughOpenCode : direct;
                            done.add(pool.submit(() -> {
                                try {
                                    dev.otto.api.routing.RunResult result = router.run(request(model, id));
                                    if (result.attempts().size() != 2) {
                                        odd.add(id + ": " + result.attempts());
                                    }
                                } catch (dev.otto.api.routing.RoutingException e) {
                                    odd.add(id + ": " + e.getMessage());
                                }
                                return null;
                            }));
                        }
                        for (Future<?> run : done) {
                            run.get(5, TimeUnit.MINUTES);
                        }
                        pool.shutdown();
                        Thread.sleep(1000); // the sessions' cleanup requests, sent after each run, land
                        report(failure + " via " + path + (parallel > 1 ? " x" + parallel : ""), ids,
                                path.equals("opencode"), (counting.requests.get() - before) / (double) runs);
                    }
                }
            }
            yardstick(base, runs);
            throughOpenCode.deactivate();
            direct.deactivate();
            BenchConnections.close(real);
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            provider.close();
        }
    }

    private void report(String name, List<Integer> ids, boolean throughOpenCode, double requests) {
        List<Long> latencies = new ArrayList<>();
        List<Long> floors = new ArrayList<>();
        List<Long> otto = new ArrayList<>();
        List<Long> intake = new ArrayList<>();
        for (int id : ids) {
            Seen failed = find(id, false);
            Seen fallback = find(id, true);
            if (failed == null || fallback == null) {
                continue;
            }
            latencies.add(fallback.receivedNanos() - failed.answeredNanos());
            Long retry = failed.session() == null ? null : retryEvents.get(failed.session());
            if (retry != null) {
                floors.add(retry - failed.answeredNanos());
                Long prompt = lastPromptSent.get(id);
                if (prompt != null) {
                    otto.add(prompt - retry);
                    intake.add(fallback.receivedNanos() - prompt);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-34s %4d %8s %8s %8s %10s %10s %s%n", name, latencies.size(),
                ms(percentile(latencies, 50)), ms(percentile(latencies, 90)), throughOpenCode ? ms(percentile(floors, 50)) : "-",
                throughOpenCode ? ms(percentile(otto, 50)) : "-", throughOpenCode ? ms(percentile(intake, 50)) : "-",
                String.format(Locale.ROOT, "%.2f", requests));
        synchronized (odd) {
            odd.forEach(line -> System.out.println("    not one failover: " + line));
            odd.clear();
        }
    }

    private Seen find(int run, boolean fallback) {
        synchronized (seen) {
            for (Seen s : seen) {
                if (s.run() == run && s.model().equals("echo") == fallback) {
                    return s;
                }
            }
        }
        return null;
    }

    /** Two direct calls with a bare HTTP client: a 500, then the fallback, as tight as a caller can be. */
    private void yardstick(String base, int runs) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int id = 100_000 + i;
            ids.add(id);
            for (String model : List.of("fail-500", "echo")) {
                String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"bench-run-" + id
                        + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
                client.send(HttpRequest.newBuilder(URI.create(base + "/chat/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
            }
        }
        report("yardstick: two direct calls", ids, false, 0);
    }

    private static RunRequest request(ModelRef model, int id) {
        return RunRequest.forTask(TaskType.GENERAL, "bench-" + id, "say hello bench-run-" + id).withUserOverride(model);
    }

    private RoutingService router(OpenCodeConnection connection, String base, ModelRef fallback) {
        List<ModelRef> models = new ArrayList<>();
        for (String provider : List.of("stub", "direct")) {
            for (String model : List.of("echo", "fail-500", "fail-429")) {
                models.add(ModelRef.of(provider, model));
            }
        }
        RoutingSettings routing = new RoutingSettings(List.of(fallback), Map.of(), 0,
                Duration.ofMinutes(2), Map.of());
        RoutingService router = new RoutingService(BenchRouters.catalog(snapshot(models)), BenchRouters.silentLogger(),
                Clock.systemUTC(), new RoutingService.Settings(FlowDefaults.NONE, routing, "c000000000001"));
        router.addClassifier(new DefaultFailureClassifier(), Map.of("service.ranking", -100, "service.id", 1L));
        router.addInvoker(new OpenCodeInvoker(connection, BenchRouters.silentLogger(), openCodeConfig()),
                Map.of("service.ranking", -100, "service.id", 2L));
        router.addInvoker(new OpenAiInvoker(openAiConfig(Map.of("baseUrl", base, "providers", new String[] { "direct" },
                "apiKeyEnv", "")), BenchRouters.silentLogger()), Map.of("service.ranking", 0, "service.id", 3L));
        return router;
    }

    private static CatalogSnapshot snapshot(List<ModelRef> models) {
        Map<String, Map<String, CatalogModel>> byProvider = new TreeMap<>();
        for (ModelRef ref : models) {
            byProvider.computeIfAbsent(ref.providerId(), p -> new LinkedHashMap<>()).put(ref.modelId(),
                    new CatalogModel(ref, ref.modelId(), 128_000, 16_000, ModelCost.UNKNOWN, "active"));
        }
        Map<String, CatalogProvider> providers = new TreeMap<>();
        byProvider.forEach((id, map) -> providers.put(id, new CatalogProvider(id, id, "echo", map)));
        return new CatalogSnapshot("s000000000001", Instant.now(), URI.create("http://127.0.0.1:4096"), "1.18.33",
                providers, ModelRef.parse("stub/echo"));
    }

    private static OpenCodeInvoker.Config openCodeConfig() {
        return (OpenCodeInvoker.Config) Proxy.newProxyInstance(OpenCodeInvoker.Config.class.getClassLoader(),
                new Class<?>[] { OpenCodeInvoker.Config.class }, (proxy, method, args) -> method.getName()
                        .equals("annotationType") ? OpenCodeInvoker.Config.class : method.getDefaultValue());
    }

    private static OpenAiInvokerConfig openAiConfig(Map<String, Object> values) {
        return (OpenAiInvokerConfig) Proxy.newProxyInstance(OpenAiInvokerConfig.class.getClassLoader(),
                new Class<?>[] { OpenAiInvokerConfig.class }, (proxy, method, args) -> method.getName()
                        .equals("annotationType") ? OpenAiInvokerConfig.class
                        : values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    private int openCodePort;

    private Process startOpenCode(Path executable, String base) throws IOException {
        Path home = Files.createTempDirectory("otto-bench-opencode");
        Path config = home.resolve(".config/opencode/opencode.json");
        Files.createDirectories(config.getParent());
        StringBuilder models = new StringBuilder();
        for (String model : List.of("echo", "fail-500", "fail-429")) {
            models.append(models.length() == 0 ? "" : ", ").append("\"").append(model).append("\": {\"name\": \"").append(model)
                    .append("\"}");
        }
        Files.writeString(config, "{\"model\": \"stub/echo\", \"provider\": {\"stub\": {\"npm\": \"@ai-sdk/openai-compatible\","
                + " \"name\": \"stub\", \"options\": {\"baseURL\": \"" + base + "\", \"apiKey\": \"x\"}, \"models\": {" + models
                + "}}}}");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            openCodePort = free.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(executable.toString(), "serve", "--hostname", "127.0.0.1", "--port",
                String.valueOf(openCodePort)).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("opencode.log").toFile());
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("OPENCODE_SERVER_PASSWORD");
        return builder.start();
    }

    private static void awaitHealthy(URI url) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 600; i++) {
            try {
                if (client.send(HttpRequest.newBuilder(url.resolve("/global/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("OpenCode did not start");
    }

    /** The floor: this program's own reader of OpenCode's events, noting when each session's first retry arrives. */
    private void readRetries(URI url) {
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(url.resolve("/event"))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                StringBuilder line = new StringBuilder();
                for (int b = in.read(); b >= 0; b = in.read()) {
                    if (b != '\n') {
                        line.append((char) b);
                        continue;
                    }
                    long now = System.nanoTime();
                    String text = line.toString();
                    line.setLength(0);
                    if (text.contains("\"session.status\"") && text.contains("\"retry\"")) {
                        Matcher session = Pattern.compile("\"sessionID\":\"([^\"]+)\"").matcher(text);
                        if (session.find()) {
                            retryEvents.putIfAbsent(session.group(1), now);
                        }
                        Matcher next = Pattern.compile("\"next\":(\\d+)").matcher(text);
                        if (System.getProperty("bench.debug") != null && next.find()) {
                            System.out.println("    retry wait " + (Long.parseLong(next.group(1)) - System.currentTimeMillis()) + " ms");
                        }
                    }
                }
            }
        } catch (IOException | InterruptedException stopped) {
            // the benchmark is over
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Thread handler = new Thread(() -> serve(socket), "bench-provider-exchange");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** A provider: {@code fail-500} and {@code fail-429} fail, everything else streams a short answer. */
    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
                String body = length.find() ? new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8) : "";
                long received = System.nanoTime();
                Matcher model = MODEL.matcher(body);
                Matcher run = RUN.matcher(body);
                Matcher session = SESSION.matcher(head);
                String name = model.find() ? model.group(1) : "";
                byte[] answer;
                if (name.startsWith("fail-")) {
                    int status = name.equals("fail-500") ? 500 : 429;
                    byte[] json = ("{\"error\":{\"message\":\"" + (status == 500 ? "boom" : "Rate limit reached")
                            + "\",\"type\":\"" + (status == 500 ? "server_error" : "requests") + "\"}}").getBytes(StandardCharsets.UTF_8);
                    answer = concat(("HTTP/1.1 " + status + " Error\r\nContent-Type: application/json\r\nContent-Length: "
                            + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), json);
                } else {
                    String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + name + "\",\"choices\":[";
                    String events = "data: " + chunk + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hello\"},"
                            + "\"finish_reason\":null}]}\n\ndata: " + chunk + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                            + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}\n\ndata: [DONE]\n\n";
                    byte[] bytes = events.getBytes(StandardCharsets.UTF_8);
                    answer = concat(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + bytes.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), bytes);
                }
                out.write(answer);
                out.flush();
                seen.add(new Seen(name, run.find() ? Integer.parseInt(run.group(1)) : -1, session.find() ? session.group(1) : null,
                        received, System.nanoTime()));
            }
        } catch (IOException gone) {
            // the client went away
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static Long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String ms(Long nanos) {
        return nanos == null ? "-" : String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
    }

    /** Counts the HTTP requests Otto sends to OpenCode (the shared event stream is one more, for all runs). */
    static final class Counting implements OpenCodeConnection {
        final AtomicInteger requests = new AtomicInteger();
        private final OpenCodeConnection real;
        private final Map<Integer, Long> prompts;

        Counting(OpenCodeConnection real, Map<Integer, Long> prompts) {
            this.real = real;
            this.prompts = prompts;
        }

        @Override
        public OpenCodeResponse get(String path, Instant deadline, long maxBytes) throws OpenCodeException, InterruptedException {
            requests.incrementAndGet();
            return real.get(path, deadline, maxBytes);
        }

        @Override
        public OpenCodeResponse post(String path, byte[] json, Instant deadline) throws OpenCodeException, InterruptedException {
            requests.incrementAndGet();
            if (path.endsWith("/prompt_async")) {
                Matcher run = RUN.matcher(new String(json, StandardCharsets.UTF_8));
                if (run.find()) {
                    prompts.put(Integer.parseInt(run.group(1)), System.nanoTime());
                }
            }
            return real.post(path, json, deadline);
        }

        @Override
        public OpenCodeResponse delete(String path, Instant deadline) throws OpenCodeException, InterruptedException {
            requests.incrementAndGet();
            return real.delete(path, deadline);
        }

        @Override
        public SessionEvents subscribe(String sessionId) {
            return real.subscribe(sessionId);
        }

        @Override
        public OpenCodeStatus status() {
            return real.status();
        }
    }
}
