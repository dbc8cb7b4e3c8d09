package dev.otto.telemetry.jsonl;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.support.testing.TelemetryRecords;

/**
 * The process {@link CrashTest} kills: the JSONL sink at its defaults, appended to by threads that
 * wait for each record to be durable and print {@code ack <run id>}, and by hoses that append a burst
 * without waiting, so that the kill often lands in the middle of a 64 KB batch write. Round {@code r}
 * writes the day {@code r} after {@link #DAY_ONE}; its first record goes to the previous round's day,
 * which opens that file and cuts the fragment the previous kill left ({@code ready torn=<n>}).
 * Arguments: telemetry dir, round, waiting threads, hoses, records per hose.
 */
public final class CrashChild {

    static final Instant DAY_ONE = Instant.parse("2026-03-10T12:00:00Z");

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int hoses = Integer.parseInt(args[3]);
        int perHose = Integer.parseInt(args[4]);
        Instant today = DAY_ONE.plus(Duration.ofDays(round));
        PrintStream out = new PrintStream(System.out, false, "US-ASCII");
        JsonlSink sink = new JsonlSink(dir, Clock.fixed(today, ZoneOffset.UTC),
                JsonlSink.settings(defaults()), Reporter.NONE, Output.FILES, () -> true, false);
        RunTelemetry first = TelemetryRecords.run("r" + round + "-open", "task-open", today.minus(Duration.ofDays(1)), true,
                false, RouteType.API_KEY);
        if (!sink.writer().awaitDurable(sink.append(first), Duration.ofSeconds(30))) {
            throw new IllegalStateException("the first record was not made durable");
        }
        synchronized (out) {
            out.println("ready torn=" + sink.health().torn());
            out.flush();
        }
        for (int h = 0; h < hoses; h++) {
            int hose = h;
            start("hose-" + h, () -> {
                for (int i = 0; i < perHose; i++) {
                    String id = "r" + round + "-h" + hose + "-" + i;
                    sink.append(TelemetryRecords.run(id, "task-" + id, today, i % 3 != 0, i % 2 == 0, RouteType.SUBSCRIPTION));
                }
                synchronized (out) {
                    out.println("hose done");
                    out.flush();
                }
            });
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            start("appender-" + t, () -> {
                try {
                    for (int i = 0;; i++) {
                        String id = "r" + round + "-t" + thread + "-" + i;
                        long s = sink.append(TelemetryRecords.run(id, "task-" + id, today, i % 3 != 0, i % 2 == 0,
                                i % 4 == 0 ? RouteType.SUBSCRIPTION : RouteType.API_KEY));
                        if (sink.writer().awaitDurable(s, Duration.ofSeconds(30))) {
                            synchronized (out) {
                                out.println("ack " + id);
                                out.flush();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        Thread.currentThread().join();
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
    }

    /** The metatype defaults, as the shipped sink runs. */
    private static JsonlSinkConfig defaults() {
        return (JsonlSinkConfig) java.lang.reflect.Proxy.newProxyInstance(JsonlSinkConfig.class.getClassLoader(),
                new Class<?>[] { JsonlSinkConfig.class }, (proxy, method, a) -> method.getDefaultValue());
    }
}
