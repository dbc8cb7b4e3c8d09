package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The watchdog interrupts exactly the attempts past their deadline and grace, and never one that has ended. */
class AttemptWatchdogTest {

    private static final long T0 = 1_000_000_000L;
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final long GRACE_NANOS = GRACE.toNanos();
    private static final long SECOND = 1_000_000_000L;
    /** Long enough that only the test's own sweeps run. */
    private static final Duration NO_TICK = Duration.ofHours(1);

    @Test
    void anAttemptIsInterruptedOnlyPastItsDeadlineAndGraceAndTheInterruptIsCleared() {
        AtomicLong clock = new AtomicLong(T0);
        try (AttemptWatchdog watchdog = new AttemptWatchdog(clock::get, NO_TICK, GRACE)) {
            AttemptWatchdog.Watch watch = watchdog.watch();
            long deadline = T0 + 10 * SECOND;
            AttemptWatchdog.Deadline attempt = watch.start(deadline);
            clock.set(deadline + GRACE_NANOS); // exactly at deadline + grace: not past it
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            clock.set(deadline + GRACE_NANOS + 1);
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            watchdog.sweep(); // once claimed, never interrupted again
            assertThat(watch.end(attempt)).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt is cleared").isFalse();

            long next = clock.get() + 10 * SECOND;
            AttemptWatchdog.Deadline fresh = watch.start(next);
            assertThat(watch.end(fresh)).as("a new attempt starts clean").isFalse();
            clock.set(next + 60 * SECOND);
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).as("an ended attempt is never interrupted").isFalse();
        }
    }

    @Test
    void anAttemptInsideAnotherGivesTheOuterOneItsWatchBack() {
        AtomicLong clock = new AtomicLong(T0);
        try (AttemptWatchdog watchdog = new AttemptWatchdog(clock::get, NO_TICK, GRACE)) {
            AttemptWatchdog.Watch watch = watchdog.watch();
            long outerDeadline = T0 + 5 * SECOND;
            AttemptWatchdog.Deadline outer = watch.start(outerDeadline);
            AttemptWatchdog.Deadline inner = watch.start(T0 + SECOND);
            assertThat(watch.end(inner)).isFalse();
            clock.set(outerDeadline + GRACE_NANOS + SECOND);
            watchdog.sweep();
            assertThat(watch.end(outer)).as("the outer attempt is still watched").isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    /**
     * 200,000 attempts on one thread against a sweep on another that finds every attempt overdue:
     * an attempt either ends normally or is reported as overrun, and no interrupt ever reaches the
     * thread after an attempt has ended.
     */
    @Test
    void underRacingSweepsNoInterruptLandsAfterAnAttemptEnds() throws Exception {
        long late = T0 + 3_600 * SECOND;
        try (AttemptWatchdog watchdog = new AttemptWatchdog(() -> late, NO_TICK, GRACE)) {
            AtomicBoolean running = new AtomicBoolean(true);
            Thread sweeper = new Thread(() -> {
                while (running.get()) {
                    watchdog.sweep();
                }
            });
            sweeper.start();
            AttemptWatchdog.Watch watch = watchdog.watch();
            int overran = 0;
            int ended = 0;
            try {
                for (int i = 0; i < 200_000; i++) {
                    assertThat(Thread.currentThread().isInterrupted()).as("attempt %d", i).isFalse();
                    AttemptWatchdog.Deadline attempt = watch.start(T0 + i);
                    for (int spin = i % 64; spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                    if (watch.end(attempt)) {
                        overran++;
                    } else {
                        ended++;
                    }
                }
            } finally {
                running.set(false);
                sweeper.join();
            }
            assertThat(Thread.interrupted()).isFalse();
            assertThat(overran).as("attempts the sweep claimed").isPositive();
            assertThat(ended).as("attempts that ended first").isPositive();
        }
    }

    @Test
    void theWatchesOfEndedThreadsAreForgotten() throws Exception {
        try (AttemptWatchdog watchdog = new AttemptWatchdog(() -> T0, NO_TICK, GRACE)) {
            Thread worker = new Thread(() -> {
                AttemptWatchdog.Watch watch = watchdog.watch();
                watch.end(watch.start(T0 + SECOND));
            });
            worker.start();
            worker.join();
            assertThat(watchdog.watched()).isEqualTo(1);
            watchdog.sweep();
            assertThat(watchdog.watched()).isZero();
        }
    }
}
