package dev.otto.opencode;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waits on a condition: tests never sleep for a fixed time. */
final class Await {

    static final Duration LIMIT = Duration.ofSeconds(20);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails after {@link #LIMIT}. */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + LIMIT + " waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
