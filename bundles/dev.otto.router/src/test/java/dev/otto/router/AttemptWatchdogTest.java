package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.otto.support.testing.MutableClock;

/** The watchdog interrupts exactly the attempts past their deadline and grace, and never one that has ended. */
class AttemptWatchdogTest {

    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(2);
    /** Long enough that only the test's own sweeps run. */
    private static final Duration NO_TICK = Duration.ofHours(1);

    @Test
    void anAttemptIsInterruptedOnlyPastItsDeadlineAndGraceAndTheInterruptIsCleared() {
        MutableClock clock = new MutableClock(T0);
        try (AttemptWatchdog watchdog = new AttemptWatchdog(clock, NO_TICK, GRACE)) {
            AttemptWatchdog.Watch watch = watchdog.watch();
            Instant deadline = T0.plusSeconds(10);
            Object outer = watch.start(deadline);
            clock.set(deadline.plus(GRACE)); // exactly at deadline + grace: not past it
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            clock.set(deadline.plus(GRACE).plusNanos(1));
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            watchdog.sweep(); // once claimed, never interrupted again
            assertThat(watch.end(deadline, outer)).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("the watchdog's interrupt is cleared").isFalse();

            Instant next = clock.instant().plusSeconds(10);
            Object none = watch.start(next);
            assertThat(watch.end(next, none)).as("a new attempt starts clean").isFalse();
            clock.set(next.plusSeconds(60));
            watchdog.sweep();
            assertThat(Thread.currentThread().isInterrupted()).as("an ended attempt is never interrupted").isFalse();
        }
    }

    @Test
    void anAttemptInsideAnotherGivesTheOuterOneItsWatchBack() {
        MutableClock clock = new MutableClock(T0);
        try (AttemptWatchdog watchdog = new AttemptWatchdog(clock, NO_TICK, GRACE)) {
            AttemptWatchdog.Watch watch = watchdog.watch();
            Instant outerDeadline = T0.plusSeconds(5);
            Object none = watch.start(outerDeadline);
            Instant innerDeadline = T0.plusSeconds(1);
            Object outer = watch.start(innerDeadline);
            assertThat(watch.end(innerDeadline, outer)).isFalse();
            clock.set(outerDeadline.plus(GRACE).plusSeconds(1));
            watchdog.sweep();
            assertThat(watch.end(outerDeadline, none)).as("the outer attempt is still watched").isTrue();
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
        Clock late = Clock.fixed(T0.plusSeconds(3_600), ZoneOffset.UTC);
        try (AttemptWatchdog watchdog = new AttemptWatchdog(late, NO_TICK, GRACE)) {
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
                    Instant deadline = T0.plusNanos(i);
                    Object outer = watch.start(deadline);
                    for (int spin = i % 64; spin > 0; spin--) {
                        Thread.onSpinWait();
                    }
                    if (watch.end(deadline, outer)) {
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
        try (AttemptWatchdog watchdog = new AttemptWatchdog(Clock.fixed(T0, ZoneOffset.UTC), NO_TICK, GRACE)) {
            Thread worker = new Thread(() -> {
                AttemptWatchdog.Watch watch = watchdog.watch();
                Instant deadline = T0.plusSeconds(1);
                watch.end(deadline, watch.start(deadline));
            });
            worker.start();
            worker.join();
            assertThat(watchdog.watched()).isEqualTo(1);
            watchdog.sweep();
            assertThat(watchdog.watched()).isZero();
        }
    }
}
