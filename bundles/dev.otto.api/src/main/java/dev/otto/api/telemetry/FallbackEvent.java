package dev.otto.api.telemetry;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code model_fallback} event, emitted at each step of a run to the next model. One JSON
 * object per line in the JSONL sink:
 * {@code {"event":"model_fallback","task_id":...,"from":...,"to":...,"reason":...,"route_type":...,
 * "error_class":...,"attempt":...,"ts":...,"run_id":...}}.
 *
 * @param runId the run's id
 * @param taskId the caller's task id
 * @param from the model that failed
 * @param to the model tried next; differs from {@code from}
 * @param reason why
 * @param routeType the run's route type (after defaulting)
 * @param errorClass the failure's error class
 * @param attempt the number of the attempt that failed, from 1
 * @param ts when the step was taken
 */
public record FallbackEvent(
        String runId,
        String taskId,
        ModelRef from,
        ModelRef to,
        ReasonCode reason,
        RouteType routeType,
        ErrorClass errorClass,
        int attempt,
        Instant ts) implements TelemetryRecord {

    /** The {@code event} value of this record. */
    public static final String TYPE = "model_fallback";

    /** Wire keys of {@link #toWire()}, in order; the first six are those of the original contract. */
    public static final List<String> WIRE_KEYS = List.of(
            "event", "task_id", "from", "to", "reason", "route_type", "error_class", "attempt", "ts", "run_id");

    /** Validates the fields; the step itself is validated as a {@link ModelTransition}. */
    public FallbackEvent {
        Ids.require(runId, "runId");
        Ids.require(taskId, "taskId");
        Objects.requireNonNull(routeType, "routeType must not be null");
        ModelTransition.validate(attempt, from, to, reason, errorClass, ts);
    }

    /**
     * Returns the event for one transition of a run.
     *
     * @param runId the run's id
     * @param taskId the task id
     * @param routeType the run's route type
     * @param transition the step
     * @return the event
     */
    public static FallbackEvent of(String runId, String taskId, RouteType routeType, ModelTransition transition) {
        Objects.requireNonNull(transition, "transition must not be null");
        return new FallbackEvent(runId, taskId, transition.from(), transition.to(), transition.reason(), routeType,
                transition.errorClass(), transition.attempt(), transition.at());
    }

    /**
     * Returns the step this event reports.
     *
     * @return the transition
     */
    public ModelTransition transition() {
        return new ModelTransition(attempt, from, to, reason, errorClass, ts);
    }

    /** Returns {@value #TYPE}. */
    @Override
    public String type() {
        return TYPE;
    }

    /** Returns the wire form with keys {@link #WIRE_KEYS}, in that order. */
    @Override
    public Map<String, Object> toWire() {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("event", TYPE);
        map.put("task_id", taskId);
        map.put("from", from.toString());
        map.put("to", to.toString());
        map.put("reason", reason.wireName());
        map.put("route_type", routeType.wireName());
        map.put("error_class", errorClass.name());
        map.put("attempt", attempt);
        map.put("ts", Wire.timestamp(ts));
        map.put("run_id", runId);
        return Wire.freeze(map);
    }
}
