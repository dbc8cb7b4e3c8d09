package dev.otto.api.telemetry;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a run from a failed model to the next one in the plan.
 *
 * @param attempt the number of the attempt that failed on {@code from}, from 1; the next attempt,
 *     on {@code to}, is {@code attempt + 1}
 * @param from the model that failed
 * @param to the model tried next; differs from {@code from}
 * @param reason why the step was taken
 * @param errorClass the failure's error class
 * @param at when the step was taken
 */
public record ModelTransition(
        int attempt, ModelRef from, ModelRef to, ReasonCode reason, ErrorClass errorClass, Instant at) {

    /** Wire keys of {@link #toWire()}, in order. */
    public static final List<String> WIRE_KEYS =
            List.of("attempt", "from", "to", "reason", "error_class", "at");

    /** Validates the fields. */
    public ModelTransition {
        validate(attempt, from, to, reason, errorClass, at);
    }

    /** The checks of the constructor, also run by {@link FallbackEvent}'s without building a transition. */
    static void validate(int attempt, ModelRef from, ModelRef to, ReasonCode reason, ErrorClass errorClass, Instant at) {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(errorClass, "errorClass must not be null");
        Objects.requireNonNull(at, "at must not be null");
        if (attempt < 1 || from.equals(to)) {
            throw invalid(attempt, from);
        }
    }

    // the message is built out of line: validation runs per fallback, and small it is inlined by the JIT
    private static IllegalArgumentException invalid(int attempt, ModelRef from) {
        if (attempt < 1) {
            return new IllegalArgumentException("attempt is " + attempt + ": expected an attempt number >= 1");
        }
        return new IllegalArgumentException(
                "transition at attempt " + attempt + " goes from " + from + " to itself: the plan has no repeats");
    }

    /**
     * Returns the wire form, as nested in {@code transitions} of {@link RunTelemetry#toWire()}.
     *
     * @return an unmodifiable map with keys {@link #WIRE_KEYS}
     */
    public Map<String, Object> toWire() {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("attempt", attempt);
        map.put("from", from.toString());
        map.put("to", to.toString());
        map.put("reason", reason.wireName());
        map.put("error_class", errorClass.name());
        map.put("at", Wire.timestamp(at));
        return Wire.freeze(map);
    }
}
