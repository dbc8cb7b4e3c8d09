package dev.otto.api.telemetry.store;

import java.time.Instant;
import java.util.Objects;

/**
 * What a sink says about itself for {@code otto:sinks}. The last error is the sink's own words
 * about its storage (a file or database error), never a record's content.
 *
 * @param state {@code ok}, {@code failing} (its last write failed; it retries) or {@code closed}
 * @param written records written durably
 * @param dropped records the sink accepted but lost (write failures, its own full buffer)
 * @param torn torn trailing fragments found and cut at start or after a failed write
 * @param lastError the last error, one line, or null
 * @param lastErrorAt when it happened, or null
 * @param location the file or database the sink writes
 */
public record SinkHealth(String state, long written, long dropped, long torn, String lastError, Instant lastErrorAt,
        String location) {

    /** Validates the fields. */
    public SinkHealth {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(location, "location must not be null");
        if (written < 0 || dropped < 0 || torn < 0) {
            throw new IllegalArgumentException("counters must be >= 0, got written=" + written + ", dropped="
                    + dropped + ", torn=" + torn);
        }
    }
}
