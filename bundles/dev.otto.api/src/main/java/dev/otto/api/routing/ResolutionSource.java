package dev.otto.api.routing;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which rule of the resolution precedence chose the model of a run:
 * job model / user override, then flow default / task policy, then the OpenCode global default.
 */
public enum ResolutionSource {
    /** The job's own {@code modelRef}. */
    JOB("job"),
    /** An explicit override by the user for this run. */
    USER_OVERRIDE("user_override"),
    /** The configured default of the run's flow. */
    FLOW_DEFAULT("flow_default"),
    /** The configured policy model of the run's task type. */
    TASK_POLICY("task_policy"),
    /** OpenCode's global default model: nothing more specific was configured. */
    GLOBAL_DEFAULT("global_default"),
    /** The chosen model is not in the catalog, so OpenCode's global default was used instead. */
    UNAVAILABLE_FALLBACK("unavailable_fallback");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(ResolutionSource::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    ResolutionSource(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code job}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire name (exact, case-sensitive).
     *
     * @param wireName the wire name
     * @return the constant
     * @throws IllegalArgumentException if the name is null or unknown; the message lists the
     *     accepted names
     */
    public static ResolutionSource fromWire(String wireName) {
        for (ResolutionSource value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown resolution source " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
