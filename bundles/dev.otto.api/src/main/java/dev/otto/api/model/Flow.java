package dev.otto.api.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The runtime path that started a run. Each flow may have its own default model
 * ({@code modelManagement.flowDefaults.<wireName>} in config).
 */
public enum Flow {
    /** A user talking to the assistant. */
    INTERACTIVE_ASSISTANT("interactiveAssistant"),
    /** A scheduled job run by the scheduler. */
    SCHEDULED_TASKS("scheduledTasks"),
    /** The periodic heartbeat run. */
    HEARTBEAT("heartbeat"),
    /** A run started by the watchdog to look at failures. */
    WATCHDOG_FAILURES("watchdogFailures");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(Flow::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    Flow(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code interactiveAssistant}
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
    public static Flow fromWire(String wireName) {
        for (Flow value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown flow " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
