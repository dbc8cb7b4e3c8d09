package dev.otto.support.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock a test sets and moves; safe to read from other threads. */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /**
     * @param now the time it starts at
     */
    public MutableClock(Instant now) {
        this.now = now;
    }

    /** Sets the time, also backwards. */
    public void set(Instant instant) {
        now = instant;
    }

    /** Moves the time on. */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
