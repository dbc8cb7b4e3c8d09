package dev.otto.router;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three benchmarks of issue 6, each next to its yardstick, run side by side:
 *
 * <ul>
 * <li>(a) the routing decision of a successful run (resolve + plan, {@link RoutingService#plan}),
 *     against a {@code HashMap<Flow, ModelRef>} lookup with a default; goal at most 10x;</li>
 * <li>(b) a run whose first two attempts fail with pre-built exceptions and whose third answers,
 *     against resilience4j {@code Retry} (3 attempts, zero wait) with a fallback over three
 *     callables doing the same; goal at most 0.5x;</li>
 * <li>(c) a whole successful routed call whose {@code RunTelemetry} a sink serialises with Jackson,
 *     against Jackson serialising that same record; goal at most 2x.</li>
 * </ul>
 *
 * <p>The router is the real {@link RoutingService} with the shipped default classifier and
 * fallback policy, built without OSGi as its unit tests do (see {@link BenchRouters}); the
 * invokers answer or throw at once, so nothing here does I/O. The class sits in package
 * {@code dev.otto.router} because the router's test seams (fields, {@code configure},
 * {@code addSink}) are package-private.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RouterBenchmark {

    /**
     * Records a sink may be behind before the caller waits for it: keeps the sink's queue (4096)
     * from overflowing, so every record of (c) is really serialised and none is dropped.
     */
    static final int SINK_WINDOW = 256;

    // ---- (a) the routing decision -------------------------------------------------------------

    /** A heartbeat run: the flow default (codex) first, then the policy's chain; route type configured. */
    RunRequest heartbeat;
    Map<Flow, ModelRef> flowDefaults;
    ModelRef globalDefault;
    RoutingService deciding;

    // ---- (b) two failures, then success --------------------------------------------------------

    Retry retry;
    /** The three "models" of the resilience4j side: 500, 429, answer (the same pre-built objects). */
    Callable<InvocationResult>[] attempts;
    InvocationResult fallback;

    // ---- (c) a routed call with telemetry serialised -------------------------------------------

    ObjectMapper mapper;
    RoutingService serialising;
    BenchRouters.JacksonSink jacksonSink;
    long published;
    /** The RunTelemetry a real run of (c) produced, for the yardstick. */
    RunTelemetry record;
    Map<String, Object> recordWire;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        heartbeat = RunRequest.forFlow(Flow.HEARTBEAT, "beat-1", "ping");
        flowDefaults = new HashMap<>(BenchRouters.FLOW_DEFAULTS);
        globalDefault = BenchRouters.GLOBAL_DEFAULT;
        deciding = BenchRouters.router(BenchRouters.answering());
        RoutePlan plan = deciding.plan(heartbeat);
        check(plan.attempts().equals(BenchRouters.CHAIN) && plan.resolution().source() == ResolutionSource.FLOW_DEFAULT
                && plan.policyAudit().isEmpty(), "unexpected plan " + plan);
        check(a1_mapLookupBaseline().equals(plan.resolution().ref()), "the baseline resolves differently");

        retry = Retry.of("bench", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO).build());
        attempts = new Callable[] {
            () -> {
                throw BenchRouters.HTTP_500;
            },
            () -> {
                throw BenchRouters.HTTP_429;
            },
            () -> BenchRouters.ANSWER };
        fallback = new InvocationResult("fallback", 0, 0, BenchRouters.GLOBAL_DEFAULT);
        check(b1_resilience4jRetryWithFallback() == BenchRouters.ANSWER, "resilience4j did not reach the third callable");
        check(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() == 1, "resilience4j did not retry");

        mapper = new ObjectMapper();
        serialising = BenchRouters.router(BenchRouters.answering());
        jacksonSink = new BenchRouters.JacksonSink(mapper);
        BenchRouters.addSink(serialising, jacksonSink);
        RunResult result = serialising.run(heartbeat);
        check(result.outcome() == RunOutcome.SUCCESS && result.attempts().size() == 1, "unexpected result " + result);
        published = 1;
        awaitSink(jacksonSink.delivered::get, 1);
        TelemetryRecord captured = jacksonSink.last;
        check(captured instanceof RunTelemetry, "the sink got " + captured);
        record = (RunTelemetry) captured;
        recordWire = record.toWire();
        System.out.printf("%n(c) one RunTelemetry serialises to %d bytes: %s%n", jacksonSink.serialise(record).length,
                new String(jacksonSink.serialise(record), java.nio.charset.StandardCharsets.UTF_8));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        awaitSink(jacksonSink.delivered::get, published);
        RoutingPlugins.PluginInfo info = serialising.plugins().stream().filter(p -> p.kind().equals("sink"))
                .findFirst().orElseThrow();
        System.out.printf("%n(c) runs %,d, records serialised %,d (%,d bytes), dropped %d, failed %d%n", published,
                jacksonSink.delivered.get(), jacksonSink.bytes, info.dropped(), info.failed());
        check(info.dropped() == 0 && info.failed() == 0, "the Jackson sink dropped or failed records: " + info);
        deciding.deactivate();
        serialising.deactivate();
    }

    // ---- (a) ----------------------------------------------------------------------------------

    /** Yardstick of (a): a map from flow to model with the global default, nothing else. */
    @Benchmark
    public ModelRef a1_mapLookupBaseline() {
        return flowDefaults.getOrDefault(heartbeat.flow(), globalDefault);
    }

    /** Resolution alone (precedence, availability, explanation), for the breakdown of (a). */
    @Benchmark
    public Resolution a2_resolve() {
        return deciding.resolve(heartbeat);
    }

    /** (a) The routing decision: resolve, fallback chain from the policy, route type, attempt plan. */
    @Benchmark
    public RoutePlan a3_decide() {
        return deciding.plan(heartbeat);
    }

    // ---- (b) ----------------------------------------------------------------------------------

    /**
     * Yardstick of (b): resilience4j Retry, 3 attempts, zero wait, retrying every exception, over
     * three callables (500, 429, answer) with the fallback result if all three fail.
     */
    @Benchmark
    public InvocationResult b1_resilience4jRetryWithFallback() {
        int[] next = { 0 };
        try {
            return retry.executeCallable(() -> attempts[next[0]++].call());
        } catch (Exception exhausted) {
            return fallback;
        }
    }

    /** A router for (b), with no sink or with one that discards what it gets. */
    @State(Scope.Benchmark)
    public static class FailingRouter {
        /**
         * {@code none}: no sink is bound, so no record is built; {@code discard}: records are built
         * and handed to a sink that drops them.
         */
        @Param({ "none", "discard" })
        public String sink;

        RoutingService router;
        RunRequest request;
        BenchRouters.DiscardSink discard;

        @Setup(Level.Trial)
        public void setUp() throws RoutingException {
            router = BenchRouters.router(BenchRouters.failingTwice());
            if (sink.equals("discard")) {
                discard = new BenchRouters.DiscardSink();
                BenchRouters.addSink(router, discard);
            }
            request = RunRequest.forFlow(Flow.HEARTBEAT, "beat-1", "ping");
            RunResult result = router.run(request);
            check(result.outcome() == RunOutcome.SUCCESS && result.attempts().size() == 3
                    && result.finalModel().equals(BenchRouters.GPT_5O), "unexpected result " + result);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            router.deactivate();
        }
    }

    /**
     * (b) A whole run: plan codex, gpt-5.2, gpt-5o; codex throws the pre-built 500, gpt-5.2 the
     * pre-built 429, gpt-5o answers. Each failure classified, two model_fallback events and one
     * RunTelemetry built and published.
     */
    @Benchmark
    public RunResult b2_routerTwoFailuresThenSuccess(FailingRouter failing) throws RoutingException {
        return failing.router.run(failing.request);
    }

    // ---- (c) ----------------------------------------------------------------------------------

    /** Pure Jackson: the record's wire map, already built, to JSON bytes. */
    @Benchmark
    public byte[] c1_jacksonWriteWireMap() throws Exception {
        return mapper.writeValueAsBytes(recordWire);
    }

    /** Yardstick of (c): what the sink does with the record, wire map then Jackson, on a captured RunTelemetry. */
    @Benchmark
    public byte[] c2_jacksonSerialiseRecord() {
        return jacksonSink.serialise(record);
    }

    /**
     * (c) A whole successful routed call (one attempt, answered at once) whose RunTelemetry is
     * built, handed to the Jackson sink and serialised there. Time per op is that of the pipeline:
     * the caller waits whenever the sink falls {@value #SINK_WINDOW} records behind, so every
     * record is serialised and none is dropped.
     */
    @Benchmark
    public RunResult c3_routedCallSerialised() throws RoutingException {
        RunResult result = serialising.run(heartbeat);
        long behind = ++published - SINK_WINDOW;
        while (jacksonSink.delivered.get() < behind) {
            Thread.onSpinWait();
        }
        return result;
    }

    private static void awaitSink(java.util.function.LongSupplier delivered, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.getAsLong() < count) {
            check(System.nanoTime() < deadline, "the sink delivered " + delivered.getAsLong() + " of " + count);
            Thread.sleep(1);
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException(problem);
        }
    }
}
