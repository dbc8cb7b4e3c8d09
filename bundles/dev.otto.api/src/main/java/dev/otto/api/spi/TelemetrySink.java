package dev.otto.api.spi;

import dev.otto.api.telemetry.TelemetryRecord;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives every telemetry record: one {@code RunTelemetry} per run and every
 * {@code FallbackEvent}. All active sinks receive all records.
 *
 * <p>The router calls {@link #accept} off the caller's thread, from a bounded queue per sink, one
 * record at a time (never concurrently for the same sink). A slow, failing or stopped sink never
 * fails or slows a run: when its queue is full the newest records are dropped, and records that
 * throw are counted and dropped. Sinks write only the fields of
 * {@link TelemetryRecord#toWire()}.
 */
@ConsumerType
public interface TelemetrySink {

    /**
     * Returns a short name for shell output, e.g. {@code jsonl}.
     *
     * @return the sink's name
     */
    String name();

    /**
     * Writes one record.
     *
     * @param record the record
     * @throws RuntimeException if it could not be written; the router counts it and goes on
     */
    void accept(TelemetryRecord record);

    /**
     * Returns the sink's own counters, if it keeps any.
     *
     * @return the counters, or empty (the default) if the sink does not report them
     */
    default Optional<SinkStats> stats() {
        return Optional.empty();
    }
}
