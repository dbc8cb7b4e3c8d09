package dev.otto.opencode;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Waits between reconnects of the event stream: {@code base} doubling per failure in a row up to
 * {@code cap}, each cut to a random 50–100 % of itself, so that many Ottos restarting with one
 * OpenCode do not reconnect in step, and a wait is never shorter than half the planned one.
 */
final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random;

    Backoff(Duration base, Duration cap, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("expected 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /**
     * The wait after the given number of failures in a row.
     *
     * @param failures failures so far, 0 for the first retry
     * @return the wait
     */
    Duration after(int failures) {
        long planned = base.toNanos();
        for (int i = 0; i < failures && planned < cap.toNanos(); i++) {
            planned *= 2;
        }
        planned = Math.min(planned, cap.toNanos());
        return Duration.ofNanos((long) (planned * (0.5 + 0.5 * random.getAsDouble())));
    }

    Duration cap() {
        return cap;
    }
}
