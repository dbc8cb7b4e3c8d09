package dev.otto.api.telemetry;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A record handed to telemetry sinks: a {@link RunTelemetry} or a {@link FallbackEvent}. Sealed, so
 * that a sink can switch over every kind and no other data can pose as telemetry. Only this API
 * implements it; sinks consume it.
 */
@ProviderType
public sealed interface TelemetryRecord permits RunTelemetry, FallbackEvent {

    /**
     * Returns the record's type, also the value of its {@code event} wire field.
     *
     * @return {@value RunTelemetry#TYPE} or {@value FallbackEvent#TYPE}
     */
    String type();

    /**
     * Returns the run the record belongs to.
     *
     * @return the run id
     */
    String runId();

    /**
     * Returns the caller's task id.
     *
     * @return the task id
     */
    String taskId();

    /**
     * Returns the wire form: the only fields a sink may write, with snake_case keys, {@code event}
     * first, in a fixed order. Values are {@code String}, {@code Long}, {@code Integer},
     * {@code Boolean}, {@code null}, or lists and maps of those; timestamps are ISO-8601 UTC
     * strings with millisecond precision.
     *
     * @return an unmodifiable, insertion-ordered map
     */
    Map<String, Object> toWire();
}
