package dev.otto.router;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run ids: time-ordered UUIDs in the layout of UUID version 7 (RFC 9562), written as before
 * ({@code 8-4-4-4-12} lower-case hex, 36 characters), but without a {@code SecureRandom} call per
 * run as {@link UUID#randomUUID()} makes.
 *
 * <ul>
 * <li>the first 48 bits are the run's start in Unix milliseconds (from the router's clock), then the
 *     version {@code 7};</li>
 * <li>the next 12 bits are random, drawn once per router from {@code SecureRandom};</li>
 * <li>after the variant bits, the last 62 bits are a counter that starts at a random value, drawn
 *     once per router from {@code SecureRandom}, and goes up by one per run.</li>
 * </ul>
 *
 * <p>Unique: within one router the 62-bit counter never repeats (it would take 2^62 runs), whatever
 * the clock does; ids of different routers (or of a router before and after a restart) collide only
 * if they share the millisecond, the 12 random bits and a counter value, each router's counter
 * starting at an independent random point of a 2^62 range. Not guessable from outside: the random
 * parts are unknown until an id is seen, but the ids of one router are sequential, so one id tells
 * its neighbours. Run ids are correlation ids in telemetry (and the primary key of the SQLite
 * sink's {@code runs}), never credentials, which is why that is enough.
 */
final class RunIds {

    private static final long VARIANT = 0x8000_0000_0000_0000L;
    private static final long COUNTER_BITS = 0x3FFF_FFFF_FFFF_FFFFL;

    private final long randomA;
    private final AtomicLong counter;

    RunIds() {
        this(new SecureRandom());
    }

    RunIds(SecureRandom random) {
        this.randomA = random.nextLong() & 0xFFFL;
        this.counter = new AtomicLong(random.nextLong());
    }

    /**
     * Returns the id of a run started at the given instant.
     *
     * @param started the run's start
     * @return a new id
     */
    String next(Instant started) {
        long millis = started.getEpochSecond() * 1000 + started.getNano() / 1_000_000;
        long high = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | randomA;
        long low = VARIANT | (counter.getAndIncrement() & COUNTER_BITS);
        return new UUID(high, low).toString();
    }
}
