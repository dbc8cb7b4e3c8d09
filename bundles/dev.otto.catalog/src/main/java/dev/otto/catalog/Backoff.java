package dev.otto.catalog;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When to try again after failed refreshes: doubling from {@code base}, capped, with ±20 % jitter
 * so that many Ottos behind one OpenCode do not retry in step.
 */
final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final DoubleSupplier random; // uniform in [0, 1)

    Backoff(Duration base, Duration cap, DoubleSupplier random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("expected 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The wait before the next try after {@code failures} consecutive failures (at least 1). */
    Duration after(int failures) {
        long capMillis = cap.toMillis();
        long millis = base.toMillis();
        for (int i = 1; i < failures && millis < capMillis; i++) {
            millis *= 2;
        }
        millis = Math.min(millis, capMillis);
        double jitter = 0.8 + 0.4 * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, Math.round(millis * jitter)));
    }
}
