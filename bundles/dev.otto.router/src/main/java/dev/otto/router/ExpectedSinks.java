package dev.otto.router;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The telemetry sinks the router holds records for until they bind, and for how long: framework
 * properties of the distribution ({@code conf/config.properties}, or {@code -D} system properties).
 *
 * @param names plugin names, e.g. {@code jsonl} and {@code sqlite}; empty: none is waited for
 * @param holdFor how long after the router starts records are held for them
 */
record ExpectedSinks(Set<String> names, Duration holdFor) {

    /** Comma-separated plugin names of the sinks the runtime ships; empty for none. */
    static final String NAMES = "otto.telemetry.expectedSinks";
    /** Seconds after the router starts during which records are held for expected sinks not yet bound. */
    static final String WAIT = "otto.telemetry.expectedSinkWaitSeconds";
    /** The sinks the distribution ships. */
    static final String DEFAULT_NAMES = "jsonl,sqlite";
    static final long DEFAULT_WAIT_SECONDS = 60;
    static final long MAX_WAIT_SECONDS = 3600;

    /** None: the hub of a router made without OSGi, in tests. */
    static final ExpectedSinks NONE = new ExpectedSinks(Set.of(), Duration.ZERO);

    ExpectedSinks {
        names = Set.copyOf(names);
    }

    /**
     * Reads the two properties; a value that is not valid is reported in one line and its default used.
     *
     * @param property a property by name, null when unset
     * @param warn where a bad value is reported
     */
    static ExpectedSinks of(UnaryOperator<String> property, Consumer<String> warn) {
        String list = property.apply(NAMES);
        Set<String> names = new LinkedHashSet<>();
        for (String name : (list == null ? DEFAULT_NAMES : list).split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        long seconds = DEFAULT_WAIT_SECONDS;
        String wait = property.apply(WAIT);
        if (wait != null) {
            try {
                seconds = Long.parseLong(wait.strip());
                if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                seconds = DEFAULT_WAIT_SECONDS;
                warn.accept(WAIT + " is '" + wait.strip() + "': give whole seconds 0.." + MAX_WAIT_SECONDS
                        + " in conf/config.properties; using " + DEFAULT_WAIT_SECONDS);
            }
        }
        return new ExpectedSinks(names, Duration.ofSeconds(seconds));
    }
}
