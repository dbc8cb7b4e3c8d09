package dev.otto.itest;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded waits for things that happen asynchronously (DS activation, FileInstall scans): never a bare sleep. */
public final class Eventually {

    private Eventually() {
    }

    /** Polls until {@code check} returns a non-null value, or fails naming {@code what} after {@code timeout}. */
    public static <T> T await(String what, Duration timeout, Supplier<T> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = check.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Polls until {@code condition} holds. */
    public static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        await(what, timeout, () -> condition.get() ? Boolean.TRUE : null);
    }
}
