package dev.otto.api.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What kind of work a run does; selects the task policy model
 * ({@code modelManagement.routing.taskPolicies.<wireName>} in config).
 */
public enum TaskType {
    /** Writing or changing code. */
    CODING("coding"),
    /** Planning and delegating work to other runs. */
    ORCHESTRATION("orchestration"),
    /** Reading and reasoning about material without changing it. */
    ANALYSIS("analysis"),
    /** Anything else. */
    GENERAL("general");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(TaskType::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    TaskType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code coding}
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
    public static TaskType fromWire(String wireName) {
        for (TaskType value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown task type " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
