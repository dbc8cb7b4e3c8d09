package dev.otto.api.routing;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Why a run moved from one model to another, or why it did not. A closed, stable set: dashboards
 * and alerts parse these names. Failures no classifier recognises map to {@link #CAPACITY} and keep
 * their diagnosis in an {@link ErrorClass}.
 */
public enum ReasonCode {
    /** The attempt timed out or was aborted at its deadline. */
    TIMEOUT("timeout"),
    /** The provider answered HTTP 5xx or a transient gateway error. */
    PROVIDER_5XX("provider_5xx"),
    /** Model unavailable, overloaded or rate limited; also every unrecognised failure. */
    CAPACITY("capacity"),
    /** An explicit user override differs from the system default. */
    POLICY_OVERRIDE("policy_override"),
    /** No failure: the run or step succeeded. */
    NONE("none");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(ReasonCode::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    ReasonCode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code timeout}
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
    public static ReasonCode fromWire(String wireName) {
        for (ReasonCode value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown reason code " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
