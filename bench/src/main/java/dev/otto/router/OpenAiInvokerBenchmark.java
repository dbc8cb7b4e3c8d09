package dev.otto.router;

import com.sun.net.httpserver.HttpServer;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.classifier.DefaultFailureClassifier;
import dev.otto.invoker.openai.OpenAiInvoker;
import dev.otto.invoker.openai.OpenAiInvokerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.log.Logger;

/**
 * Issue 8's benchmark: a call routed through the real {@link RoutingService}, the shipped default
 * classifier and the real {@link OpenAiInvoker} against a loopback chat completions server, next to
 * the same HTTP call made directly with a plain {@link HttpClient} (same body, same server, body read
 * as bytes, not parsed), in one run:
 *
 * <ul>
 * <li>{@code routedCall} vs {@code directCall}: goal median at most 1.10x;</li>
 * <li>{@code routedFallback} (model A answers 500, the router falls back, model B answers) vs
 *     {@code directTwoCalls} (the 500 call, then the answering call): goal at most 1.10x.</li>
 * </ul>
 *
 * <p>Sample time, so that JMH reports the median ({@code p0.50}). The server answers from pre-built
 * bytes on two threads, with {@code TCP_NODELAY} (see {@link #setUp}). The class sits in package
 * {@code dev.otto.router} because the router's test seams are package-private; the invoker is built
 * through its public activation constructor with an annotation proxy for its configuration (no API
 * key: the loopback server needs none).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// 30 s of warm-up: on 2 cores the C2 compiler shares the CPU with the caller, the client's selector
// and the server's threads, and -XX:+PrintCompilation shows it compiling and deoptimising the
// client's and the router's paths for 20-30 s; before that a median measures the compiler's
// progress (the fallback path has the most code, so it looked 20-90 % slower after 10 s)
@Warmup(iterations = 30, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dsun.net.httpserver.nodelay=true"})
public class OpenAiInvokerBenchmark {

    static final ModelRef OK = ModelRef.parse("local/model-ok");
    static final ModelRef FAILING = ModelRef.parse("local/model-500");
    static final String PROMPT = "Summarise the last heartbeat in one sentence.";

    private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"model-ok\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"All services answered within their deadlines.\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] SERVER_ERROR = "{\"error\":{\"message\":\"internal\",\"type\":\"server_error\",\"code\":null}}"
            .getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private ExecutorService serverThreads;
    private HttpClient direct;
    private HttpRequest directOk;
    private HttpRequest directFailing;
    private RoutingService router;
    private RunRequest routedOk;
    private RunRequest routedFallback;
    private OpenAiInvoker invoker;
    private Invocation failingAttempt;
    private Invocation okAttempt;

    @Setup
    public void setUp() throws IOException {
        // without it the JDK server writes headers and body in two segments and the second waits for
        // the client's delayed ACK: every call would take ~40 ms of TCP, hiding what is measured
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newFixedThreadPool(2);
        server.setExecutor(serverThreads);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                byte[] answer = body.contains("\"model-500\"") ? SERVER_ERROR : ANSWER;
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer == SERVER_ERROR ? 500 : 200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
        String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";

        direct = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
        directOk = directRequest(baseUrl, "model-ok");
        directFailing = directRequest(baseUrl, "model-500");

        invoker = new OpenAiInvoker(config(Map.of("baseUrl", baseUrl, "providers", new String[] {"local"},
                "apiKeyEnv", "")), silentLogger());
        router = new RoutingService(catalog(OK, FAILING), silentLogger(), Clock.systemUTC(),
                new RoutingService.Settings(FlowDefaults.NONE, new RoutingSettings(List.of(FAILING, OK), Map.of(), 0,
                        Duration.ofMinutes(1), Map.of()), "c000000000001"));
        router.addClassifier(new DefaultFailureClassifier(), Map.of("service.ranking", -100, "service.id", 1L));
        router.addInvoker(invoker, Map.of("service.ranking", 0, "service.id", 2L));
        // as in the runtime, every run builds its telemetry and hands it to a sink (one that discards it)
        BenchRouters.addSink(router, new BenchRouters.DiscardSink());
        // the user override makes OK the whole plan (it is last in the chain); FAILING first means one fallback
        routedOk = RunRequest.forTask(TaskType.GENERAL, "bench", PROMPT).withUserOverride(OK);
        routedFallback = RunRequest.forTask(TaskType.GENERAL, "bench", PROMPT).withUserOverride(FAILING);
        Instant farAway = Instant.now().plus(Duration.ofDays(1));
        failingAttempt = new Invocation("run-1", "bench", 1, FAILING, PROMPT, farAway);
        okAttempt = new Invocation("run-1", "bench", 2, OK, PROMPT, farAway);
    }

    @TearDown
    public void tearDown() {
        router.deactivate();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    /** The yardstick: the same POST (body as the invoker sends it), the answer read as bytes. */
    @Benchmark
    public byte[] directCall() throws IOException, InterruptedException {
        return send(directOk);
    }

    @Benchmark
    public RunResult routedCall() throws RoutingException {
        return router.run(routedOk);
    }

    /** The yardstick of a fallback: the failing POST, then the answering one. */
    @Benchmark
    public byte[] directTwoCalls() throws IOException, InterruptedException {
        send(directFailing);
        return send(directOk);
    }

    @Benchmark
    public RunResult routedFallback() throws RoutingException {
        return router.run(routedFallback);
    }

    /** Breakdown of a fallback: the invoker alone, called as the router calls it, without the router. */
    @Benchmark
    public InvocationResult invokerTwoCalls() throws InvocationFailure {
        try {
            invoker.invoke(failingAttempt);
        } catch (InvocationFailure expected) {
            // the 500, as the router would get it
        }
        return invoker.invoke(okAttempt);
    }

    private byte[] send(HttpRequest request) throws IOException, InterruptedException {
        return direct.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    private static HttpRequest directRequest(String baseUrl, String model) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT
                + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The invoker's configuration with these values and its defaults, as Declarative Services builds it. */
    private static OpenAiInvokerConfig config(Map<String, Object> values) {
        return (OpenAiInvokerConfig) Proxy.newProxyInstance(OpenAiInvokerConfig.class.getClassLoader(),
                new Class<?>[] {OpenAiInvokerConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return OpenAiInvokerConfig.class;
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }

    private static Logger silentLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> method.getReturnType() == boolean.class ? Boolean.FALSE
                        : method.getName().equals("getName") ? "bench" : null);
    }

    private static ModelCatalog catalog(ModelRef... models) {
        Map<String, CatalogModel> byId = new LinkedHashMap<>();
        for (ModelRef model : models) {
            byId.put(model.modelId(), new CatalogModel(model, model.modelId(), 128_000, 16_000, ModelCost.UNKNOWN, "active"));
        }
        CatalogSnapshot snapshot = new CatalogSnapshot("s000000000001", Instant.parse("2026-11-21T00:00:00Z"),
                URI.create("http://127.0.0.1:4096"), "1.18.33",
                Map.of("local", new CatalogProvider("local", "local", models[0].modelId(), byId)), models[0]);
        return new ModelCatalog() {
            @Override
            public CatalogSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public CatalogFreshness freshness() {
                return CatalogFreshness.of(snapshot, Duration.ofHours(24));
            }

            @Override
            public CatalogSnapshot refresh() {
                return snapshot;
            }
        };
    }
}
