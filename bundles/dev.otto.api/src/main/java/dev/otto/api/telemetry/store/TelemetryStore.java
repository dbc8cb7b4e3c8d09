package dev.otto.api.telemetry.store;

import java.time.LocalDate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;

/**
 * Telemetry a sink has stored, read back for the shell and for daily reports. A sink bundle
 * registers it next to its {@code TelemetrySink}, with the same {@code otto.plugin.name}; when
 * several are registered, the one with the highest {@code service.ranking} answers reports (the
 * SQLite sink ranks above the JSONL sink).
 */
@ProviderType
public interface TelemetryStore {

    /**
     * Returns the name of the sink this store belongs to, e.g. {@code sqlite}.
     *
     * @return the plugin name
     */
    String name();

    /**
     * Returns the most recent runs, newest first.
     *
     * @param limit at most this many, {@code >= 1}
     * @return the runs
     */
    List<RunTelemetry> recentRuns(int limit);

    /**
     * Returns the most recent fallback events, newest first.
     *
     * @param limit at most this many, {@code >= 1}
     * @return the events
     */
    List<FallbackEvent> recentFallbacks(int limit);

    /**
     * Computes the report of one UTC day from what is stored.
     *
     * @param day the day
     * @return the report; all counts zero for a day without records
     */
    DailyReport report(LocalDate day);

    /**
     * Returns the sink's health: its state, counters and last error.
     *
     * @return the health
     */
    SinkHealth health();
}
