package dev.otto.api.telemetry.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

/**
 * Reads the wire form of {@link TelemetryRecord#toWire()} back into records: the inverse of the
 * allow-list, so a stored record passes the same validation as a live one. Keys not in the
 * allow-list are ignored.
 */
public final class WireRecords {

    private WireRecords() {
    }

    /**
     * Parses one record.
     *
     * @param wire the map, as a JSON parser returns it (numbers may be any {@link Number})
     * @return the record
     * @throws IllegalArgumentException if the map is not a valid record
     */
    public static TelemetryRecord parse(Map<String, ?> wire) {
        Object event = wire.get("event");
        if (RunTelemetry.TYPE.equals(event)) {
            return run(wire);
        }
        if (FallbackEvent.TYPE.equals(event)) {
            return fallback(wire);
        }
        throw new IllegalArgumentException("unknown event " + (event instanceof String ? "\"" + event + "\"" : event)
                + ": expected run or model_fallback");
    }

    /**
     * Parses a {@code run} record.
     *
     * @param w the map
     * @return the run
     */
    public static RunTelemetry run(Map<String, ?> w) {
        List<ModelTransition> transitions = new ArrayList<>();
        Object steps = w.get("transitions");
        if (steps instanceof List<?> list) {
            for (Object step : list) {
                if (!(step instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("a transition is not an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> t = (Map<String, ?>) m;
                transitions.add(new ModelTransition((int) number(t, "attempt"), ref(t, "from"), ref(t, "to"),
                        ReasonCode.fromWire(string(t, "reason")), ErrorClass.of(string(t, "error_class")),
                        instant(t, "at")));
            }
        }
        List<String> audit = new ArrayList<>();
        if (w.get("policy_audit") instanceof List<?> list) {
            for (Object entry : list) {
                audit.add(String.valueOf(entry));
            }
        }
        String taskType = string(w, "task_type");
        String flow = string(w, "flow");
        String source = string(w, "resolution_source");
        String errorClass = string(w, "error_class");
        Object jobId = w.get("job_id");
        return new RunTelemetry(string(w, "run_id"), string(w, "task_id"),
                taskType == null ? null : TaskType.fromWire(taskType), flow == null ? null : Flow.fromWire(flow),
                jobId == null ? null : ((Number) jobId).longValue(), RouteType.fromWire(string(w, "route_type")),
                source == null ? null : ResolutionSource.fromWire(source), ref(w, "requested_model"),
                ref(w, "selected_model"), ref(w, "final_model"), transitions, (int) number(w, "attempt_count"),
                RunOutcome.fromWire(string(w, "outcome")), errorClass == null ? null : ErrorClass.of(errorClass),
                number(w, "tokens_in"), number(w, "tokens_out"), instant(w, "started_at"), instant(w, "finished_at"),
                audit, number(w, "catalog_age_ms"), string(w, "config_version"));
    }

    /**
     * Parses a {@code model_fallback} event.
     *
     * @param w the map
     * @return the event
     */
    public static FallbackEvent fallback(Map<String, ?> w) {
        return new FallbackEvent(string(w, "run_id"), string(w, "task_id"), ref(w, "from"), ref(w, "to"),
                ReasonCode.fromWire(string(w, "reason")), RouteType.fromWire(string(w, "route_type")),
                ErrorClass.of(string(w, "error_class")), (int) number(w, "attempt"), instant(w, "ts"));
    }

    private static String string(Map<String, ?> w, String key) {
        Object value = w.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(key + " is not a string");
    }

    private static long number(Map<String, ?> w, String key) {
        if (w.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException(key + " is not a number");
    }

    private static ModelRef ref(Map<String, ?> w, String key) {
        String value = string(w, key);
        return value == null ? null : ModelRef.parse(value);
    }

    private static Instant instant(Map<String, ?> w, String key) {
        String value = string(w, key);
        if (value == null) {
            throw new IllegalArgumentException(key + " is missing");
        }
        return Instant.parse(value);
    }
}
