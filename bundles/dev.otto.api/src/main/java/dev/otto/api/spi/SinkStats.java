package dev.otto.api.spi;

/**
 * Counters a telemetry sink may report about itself, shown by the shell next to the router's own
 * counts of records it dropped before they reached the sink.
 *
 * @param written records written durably, {@code >= 0}
 * @param failed records the sink accepted but could not write, {@code >= 0}
 */
public record SinkStats(long written, long failed) {

    /** Validates the counters. */
    public SinkStats {
        if (written < 0 || failed < 0) {
            throw new IllegalArgumentException(
                    "counters are written=" + written + ", failed=" + failed + ": expected >= 0");
        }
    }
}
