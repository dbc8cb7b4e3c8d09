package dev.otto.telemetry.jsonl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import dev.otto.api.telemetry.TelemetryRecord;

/** Test-only door into the JSONL sink's package, for the crash child that drives both sinks. */
public final class JsonlAccess {

    private final JsonlSink sink;

    public JsonlAccess(Path dir, Clock clock) {
        sink = new JsonlSink(dir, clock, new JsonlSink.Settings(new JsonlWriter.Settings(Duration.ofMillis(10), false,
                512, Duration.ofMinutes(1)), 0, Duration.ofSeconds(60)), Reporter.NONE, Output.FILES, () -> true, false);
    }

    public long append(TelemetryRecord record) {
        return sink.append(record);
    }

    public boolean awaitDurable(long seq, Duration timeout) throws InterruptedException {
        return sink.writer().awaitDurable(seq, timeout);
    }

    public long torn() {
        return sink.health().torn();
    }

    public static TelemetryRecord parse(String line) {
        return JsonlReader.parse(line);
    }
}
