package dev.otto.api.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * The deadlines a run's attempts get, as the router applies them: every attempt ends when its
 * provider sent nothing for {@code firstToken}, when its output paused for {@code stall}, after
 * {@code attempt}, and in any case when the run's {@code run} deadline passes.
 *
 * @param firstToken the first-token timeout
 * @param stall the stall timeout
 * @param attempt the attempt timeout
 * @param run the deadline of the whole run
 */
public record RunDeadlines(Duration firstToken, Duration stall, Duration attempt, Duration run) {

    /** Validates the fields. */
    public RunDeadlines {
        for (Duration value : new Duration[] { firstToken, stall, attempt, run }) {
            Objects.requireNonNull(value, "deadlines must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("a deadline is " + value + ": expected a positive duration");
            }
        }
    }
}
