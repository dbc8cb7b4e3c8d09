package dev.otto.api.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How a run is paid for: telemetry must tell subscription use from metered API-key use. When the
 * caller does not know, the router assumes {@link #API_KEY} (the safer accounting assumption) and
 * records {@code route_type_defaulted} in the run's policy audit.
 */
public enum RouteType {
    /** Billed through a flat subscription (e.g. a ChatGPT plan behind {@code openai-codex}). */
    SUBSCRIPTION("subscription"),
    /** Billed per token through an API key; the default when the route is unknown. */
    API_KEY("api_key");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(RouteType::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    RouteType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in config, telemetry and the database.
     *
     * @return the wire name, e.g. {@code api_key}
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
    public static RouteType fromWire(String wireName) {
        for (RouteType value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "unknown route type " + (wireName == null ? "null" : "\"" + wireName + "\"")
                        + ": expected one of " + ACCEPTED);
    }
}
