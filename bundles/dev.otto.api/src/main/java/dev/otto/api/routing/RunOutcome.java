package dev.otto.api.routing;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a routed run ended. Kept small on purpose: details live in the attempts, the reason codes
 * and the error class.
 */
public enum RunOutcome {
    /** A model answered. */
    SUCCESS("success"),
    /** Every planned attempt failed, or the fallback policy stopped the run. */
    FAILED("failed"),
    /** The run's deadline passed before a model answered. */
    TIMED_OUT("timed_out");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(RunOutcome::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    RunOutcome(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code success}
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
    public static RunOutcome fromWire(String wireName) {
        for (RunOutcome value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown run outcome " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
