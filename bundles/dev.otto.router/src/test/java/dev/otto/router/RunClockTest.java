package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.otto.support.testing.MutableClock;

class RunClockTest {

    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    private final MutableClock wall = new MutableClock(NOON);
    private final AtomicLong ticks = new AtomicLong(5_000_000_000L);
    private final RunClock clock = new RunClock(wall, ticks::get);

    @Test
    void timesWithinAnAnchorFollowTheMonotonicClockNotTheWallClock() {
        long start = clock.tick();
        wall.set(NOON.minus(Duration.ofHours(1))); // stepped back while a run goes on
        ticks.addAndGet(Duration.ofMillis(40).toNanos());
        long end = clock.tick();

        assertThat(clock.wallAt(start)).isEqualTo(NOON);
        assertThat(clock.wallAt(end)).isEqualTo(NOON.plusMillis(40));
        assertThat(end - start).isEqualTo(Duration.ofMillis(40).toNanos());
    }

    @Test
    void aWallClockStepShowsOnceTheAnchorIsOlderThanTheReanchorInterval() {
        wall.set(NOON.plus(Duration.ofHours(1)));
        ticks.addAndGet(RunClock.REANCHOR_AFTER.toNanos());
        assertThat(clock.wallAt(clock.tick())).as("still the old anchor, exactly at its age limit")
                .isEqualTo(NOON.plus(RunClock.REANCHOR_AFTER));

        ticks.addAndGet(1);
        long later = clock.tick();
        assertThat(clock.wallAt(later)).as("a new anchor: the stepped wall clock").isEqualTo(NOON.plus(Duration.ofHours(1)));

        ticks.addAndGet(Duration.ofMillis(3).toNanos());
        assertThat(clock.wallAt(clock.tick())).isEqualTo(NOON.plus(Duration.ofHours(1)).plusMillis(3));
        assertThat(clock.wallAt(later)).as("a tick taken before the new anchor still maps to its time")
                .isEqualTo(NOON.plus(Duration.ofHours(1)));
    }

    @Test
    void theSystemClocksGiveTimesCloseToTheWallClock() {
        RunClock system = new RunClock(java.time.Clock.systemUTC());
        Instant before = Instant.now();
        Instant at = system.wallAt(system.tick());
        Instant after = Instant.now();
        // the anchor may be up to the reanchor interval old; slewing moves it by microseconds at most
        assertThat(at).isBetween(before.minusMillis(5), after.plusMillis(5));
    }
}
