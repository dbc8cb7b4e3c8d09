package dev.otto.support.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition, bounded: the test goes on as soon as the condition holds, and fails with
 * what it waited for when the limit passes. The limit is generous on purpose (a busy 2-core CI
 * machine), since it only decides how long a failing test takes, never whether a passing one passes.
 */
public final class Eventually {

    /** The limit most tests use. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /**
     * Waits until the condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param condition the condition
     */
    public static void await(String what, BooleanSupplier condition) {
        await(what, LIMIT, condition);
    }

    /**
     * Waits until the condition holds.
     *
     * @param what what is awaited, for the failure message
     * @param limit how long to wait at most
     * @param condition the condition
     */
    public static void await(String what, Duration limit, BooleanSupplier condition) {
        value(what, limit, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * Waits until the supplier gives a value other than null, and returns it.
     *
     * @param <T> the value's type
     * @param what what is awaited, for the failure message
     * @param limit how long to wait at most
     * @param supplier the supplier
     * @return the value
     */
    public static <T> T value(String what, Duration limit, Supplier<T> supplier) {
        long deadline = System.nanoTime() + limit.toNanos();
        long pause = 1;
        while (true) {
            T value = supplier.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            pause = Math.min(pause * 2, 50);
        }
    }
}
