package dev.otto.telemetry;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the telemetry sink benchmarks share: the pre-built records both sides of each benchmark
 * write, the sinks' default configuration, and temporary folders.
 *
 * <p>The records are what the router publishes for a realistic mix of runs (as in the sinks'
 * tests and {@code BenchRouters}): random-UUID run ids, heartbeat and scheduled flow runs on codex,
 * coding task runs of a job on the subscription route, one run in 8 falling back codex -&gt; gpt-5.2
 * after a 500 (its {@code model_fallback} event published before the run record), one in 32
 * failing after three attempts and two timeouts (two events). All finish on the same UTC day
 * (one JSONL file), 5 ms apart, and every run id is distinct (so that SQLite really inserts every
 * row of a pool).
 */
public final class BenchTelemetry {

    /** When the first run finishes. */
    public static final Instant AT = Instant.parse("2026-03-10T06:00:00Z");

    static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    static final ModelRef GPT_52 = ModelRef.parse("openai/gpt-5.2");
    static final ModelRef GPT_5O = ModelRef.parse("openai/gpt-5o");

    private BenchTelemetry() {
    }

    /**
     * Returns at least {@code count} records (a run's events come with it), deterministically.
     *
     * @param count how many
     * @return runs and fallback events, in publication order
     */
    public static List<TelemetryRecord> records(int count) {
        Random random = new Random(42);
        List<TelemetryRecord> records = new ArrayList<>(count + 2);
        for (int k = 0; records.size() < count; k++) {
            // 5 ms apart: a million runs span 83 minutes of one UTC day
            Instant finished = AT.plusMillis(5L * k);
            Instant started = finished.minusMillis(400 + random.nextInt(4000));
            String runId = new UUID(random.nextLong(), random.nextLong()).toString();
            boolean coding = k % 4 == 3;
            String taskId = coding ? "job-" + (k % 97 + 1) + "-" + k : "beat-" + k;
            RouteType route = coding || k % 3 == 0 ? RouteType.SUBSCRIPTION : RouteType.API_KEY;
            List<String> audit = route == RouteType.API_KEY && k % 5 == 0 ? List.of("route_type_defaulted") : List.of();
            long tokensIn = 200 + random.nextInt(6000);
            long tokensOut = 20 + random.nextInt(900);
            long catalogAge = 1000L * random.nextInt(3600);
            if (k % 32 == 31) {
                ModelTransition first = new ModelTransition(1, CODEX, GPT_52, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR,
                        finished.minusMillis(300));
                ModelTransition second = new ModelTransition(2, GPT_52, GPT_5O, ReasonCode.TIMEOUT,
                        ErrorClass.TIMEOUT_ERROR, finished.minusMillis(100));
                records.add(FallbackEvent.of(runId, taskId, route, first));
                records.add(FallbackEvent.of(runId, taskId, route, second));
                records.add(run(runId, taskId, coding, route, List.of(first, second), 3, RunOutcome.FAILED,
                        ErrorClass.TIMEOUT_ERROR, tokensIn, 0, started, finished, audit, catalogAge, GPT_5O));
            } else if (k % 8 == 3) {
                ModelTransition step = new ModelTransition(1, CODEX, GPT_52, ReasonCode.PROVIDER_5XX,
                        ErrorClass.PROVIDER_5XX, finished.minusMillis(200));
                records.add(FallbackEvent.of(runId, taskId, route, step));
                records.add(run(runId, taskId, coding, route, List.of(step), 2, RunOutcome.SUCCESS, null, tokensIn,
                        tokensOut, started, finished, audit, catalogAge, GPT_52));
            } else {
                records.add(run(runId, taskId, coding, route, List.of(), 1, RunOutcome.SUCCESS, null, tokensIn,
                        tokensOut, started, finished, audit, catalogAge, CODEX));
            }
        }
        return records;
    }

    private static RunTelemetry run(String runId, String taskId, boolean coding, RouteType route,
            List<ModelTransition> steps, int attempts, RunOutcome outcome, ErrorClass error, long tokensIn,
            long tokensOut, Instant started, Instant finished, List<String> audit, long catalogAge, ModelRef last) {
        return new RunTelemetry(runId, taskId, coding ? TaskType.CODING : null,
                coding ? null : (runId.charAt(0) < '8' ? Flow.HEARTBEAT : Flow.SCHEDULED_TASKS),
                coding ? Long.valueOf(taskId.substring(4, taskId.indexOf('-', 4))) : null, route,
                coding ? ResolutionSource.TASK_POLICY : ResolutionSource.FLOW_DEFAULT, CODEX, CODEX, last, steps,
                attempts, outcome, error, tokensIn, tokensOut, started, finished, audit, catalogAge, "cfg-7f3a9c2e");
    }

    /**
     * Returns an instance of a metatype configuration annotation answering every attribute with its
     * default, as Configuration Admin does with no configuration: the sinks' shipped defaults.
     *
     * @param type the configuration annotation
     * @param <A> its type
     * @return the defaults
     */
    public static <A> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            Object value = method.getDefaultValue();
            if (value == null) {
                throw new UnsupportedOperationException(method.getName());
            }
            return value;
        }));
    }

    /** A new temporary folder on the real disk ({@code java.io.tmpdir}, not a RAM file system). */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails the benchmark when something it relies on does not hold. */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
