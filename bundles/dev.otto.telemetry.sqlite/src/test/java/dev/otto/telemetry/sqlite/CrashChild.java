package dev.otto.telemetry.sqlite;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.testing.TelemetryRecords;
import dev.otto.telemetry.jsonl.JsonlAccess;

/**
 * The process {@link CrashTest} kills: appends runs to both sinks from several threads and prints
 * {@code ack <run id>} once the JSONL line is fsynced and the SQLite commit returned.
 * Arguments: data dir, threads, round.
 */
public final class CrashChild {

    static final Instant AT = Instant.parse("2026-03-10T12:00:00Z");

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        String round = args[2];
        Clock clock = Clock.fixed(AT, ZoneOffset.UTC);
        PrintStream out = new PrintStream(System.out, false, "US-ASCII");
        JsonlAccess jsonl = new JsonlAccess(data.resolve("telemetry"), clock);
        TelemetryDatabase db = TelemetryDatabase.open(data.resolve(TelemetryDatabase.FILE), false, Reporter.NONE);
        SqliteWriter sqlite = new SqliteWriter(db, clock, new SqliteWriter.Settings(1000, Duration.ofMillis(5), 10_000,
                Duration.ofMinutes(1)), Reporter.NONE);
        // the first append opens the file, cutting a fragment the previous kill left
        RunTelemetry first = TelemetryRecords.run("r" + round + "-open", "task-open", AT, true, false, RouteType.API_KEY);
        jsonl.awaitDurable(jsonl.append(first), Duration.ofSeconds(30));
        synchronized (out) {
            out.println("ready torn=" + jsonl.torn());
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0;; i++) {
                        String id = "r" + round + "-t" + thread + "-" + i;
                        RunTelemetry run = TelemetryRecords.run(id, "task-" + id, AT, i % 3 != 0, i % 2 == 0,
                                i % 4 == 0 ? RouteType.SUBSCRIPTION : RouteType.API_KEY);
                        long j = jsonl.append(run);
                        long s = sqlite.submit(run);
                        if (jsonl.awaitDurable(j, Duration.ofSeconds(30)) && sqlite.awaitCommitted(s, Duration.ofSeconds(30))) {
                            synchronized (out) {
                                out.println("ack " + id);
                                out.flush();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "appender-" + t);
            worker.start();
        }
        Thread.currentThread().join();
    }
}
