package dev.otto.router;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The router's time: the monotonic clock, anchored to the wall clock.
 *
 * <p>Durations and deadlines are measured in ticks of the monotonic clock, which a wall clock
 * stepped back or forward (NTP, an operator) does not move. The wall-clock time of a tick is an
 * anchor (a wall-clock reading and the tick taken with it) plus the ticks since; the anchor is
 * taken again once it is older than {@link #REANCHOR_AFTER}, so a step of the wall clock shows
 * in the times of runs that start at most that long after it, and the drift between two anchors
 * stays within what clock slewing allows (500 ppm: 50 microseconds). A run therefore reads the
 * clock once per timestamp it needs, and the wall clock, slower to read, at most once per
 * {@link #REANCHOR_AFTER} (bench/: RouterBenchmark b2).
 */
final class RunClock {

    /** How old an anchor may get before the wall clock is read again. */
    static final Duration REANCHOR_AFTER = Duration.ofMillis(100);

    private static final long REANCHOR_NANOS = REANCHOR_AFTER.toNanos();

    /** A wall-clock reading and the tick read right after it. */
    private record Anchor(Instant wall, long tick) {
    }

    private final Clock wall;
    private final LongSupplier ticks;
    private volatile Anchor anchor;

    /** The system's clocks: UTC and {@link System#nanoTime()}. */
    RunClock(Clock wall) {
        this(wall, System::nanoTime);
    }

    /**
     * @param wall the wall clock
     * @param ticks the monotonic clock, in nanoseconds
     */
    RunClock(Clock wall, LongSupplier ticks) {
        this.wall = wall;
        this.ticks = ticks;
        this.anchor = anchor();
    }

    /**
     * Reads the monotonic clock.
     *
     * @return nanoseconds since an arbitrary origin; only differences mean something
     */
    long tick() {
        return ticks.getAsLong();
    }

    /**
     * Returns the wall-clock time of a tick.
     *
     * @param tick a {@link #tick()} taken at most a little before this call
     * @return the anchor's wall-clock time plus the ticks since the anchor
     */
    Instant wallAt(long tick) {
        Anchor known = anchor;
        if (tick - known.tick > REANCHOR_NANOS) {
            known = anchor();
            anchor = known; // two threads anchoring at once: either anchor is right
        }
        return known.wall.plusNanos(tick - known.tick);
    }

    private Anchor anchor() {
        Instant now = wall.instant();
        return new Anchor(now, ticks.getAsLong());
    }
}
