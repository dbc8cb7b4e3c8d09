package dev.otto.invoker.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.spi.InvocationFailure.Kind;

/**
 * The watcher alone, with calls that are nothing but limits: which limit applies, never before it
 * has passed, once, and what a chunk or the first output changes. Waits end on an expiry, bounded
 * by seconds: they bound behaviour (the right limit fired, not a later one), not speed.
 */
class AttemptDeadlinesTest {

    private static final long FAR = Duration.ofSeconds(60).toNanos();

    private final AttemptDeadlines deadlines = new AttemptDeadlines("test-deadlines");

    @AfterEach
    void close() {
        deadlines.close();
    }

    /** Records the kind of the first expiry and counts them all. */
    private static final class Recorded implements AttemptDeadlines.Expiry {
        final CompletableFuture<Kind> kind = new CompletableFuture<>();
        final AtomicInteger runs = new AtomicInteger();
        volatile long atNanos;

        @Override
        public void expire(Kind expired) {
            atNanos = System.nanoTime();
            runs.incrementAndGet();
            kind.complete(expired);
        }

        Kind await() throws Exception {
            return kind.get(10, TimeUnit.SECONDS);
        }
    }

    /** A call that expires after {@code millis}: once it has, the watcher has swept past every earlier limit. */
    private Recorded sentinel(long millis) {
        Recorded expiry = new Recorded();
        long now = System.nanoTime();
        deadlines.start(now + ms(millis), now + FAR, FAR, expiry);
        return expiry;
    }

    @Test
    void withoutOutputTheFirstTokenLimitFiresOnceAndNeverEarly() throws Exception {
        long start = System.nanoTime();
        Recorded expiry = new Recorded();
        AttemptDeadlines.Call call = deadlines.start(start + ms(200), start + FAR, ms(50), expiry);
        assertThat(expiry.await()).isEqualTo(Kind.FIRST_TOKEN_TIMEOUT);
        assertThat(expiry.atNanos - start).as("not before the limit").isGreaterThanOrEqualTo(ms(200));
        deadlines.done(call); // the call ends after its expiry: nothing left to do
        sentinel(200).await();
        assertThat(expiry.runs).hasValue(1);
        assertThat(deadlines.inFlight()).isZero();
    }

    @Test
    void aDeadlineNoLaterThanTheFirstTokenLimitIsATimeout() throws Exception {
        long start = System.nanoTime();
        Recorded earlier = new Recorded();
        deadlines.start(start + ms(300), start + ms(150), ms(50), earlier);
        Recorded tie = new Recorded();
        deadlines.start(start + ms(150), start + ms(150), ms(50), tie);
        assertThat(earlier.await()).isEqualTo(Kind.TIMEOUT);
        assertThat(tie.await()).as("a first-token timeout as long as the attempt is the deadline's").isEqualTo(Kind.TIMEOUT);
        assertThat(earlier.atNanos - start).isGreaterThanOrEqualTo(ms(150));
    }

    @Test
    void onceOutputHasBegunTheStallLimitCountsFromTheLastChunk() throws Exception {
        long start = System.nanoTime();
        Recorded expiry = new Recorded();
        AttemptDeadlines.Call call = deadlines.start(start + ms(200), start + FAR, ms(300), expiry);
        call.outputBegan(System.nanoTime());
        long last = start;
        // a chunk every 20 ms for 600 ms: past the first-token limit, twice the stall limit
        while (System.nanoTime() - start < ms(600)) {
            TimeUnit.MILLISECONDS.sleep(20); // the pace of the chunks, not a wait for something
            last = System.nanoTime();
            call.chunk(last);
        }
        assertThat(expiry.kind).as("no expiry while chunks come").isNotDone();
        assertThat(expiry.await()).isEqualTo(Kind.STALL_TIMEOUT);
        assertThat(expiry.atNanos - last).as("not before the stall limit after the last chunk").isGreaterThanOrEqualTo(ms(300));
    }

    @Test
    void outputThatBeginsWithAnEarlierStallLimitWakesAWatcherSleepingUntilALaterOne() throws Exception {
        long start = System.nanoTime();
        Recorded expiry = new Recorded();
        AttemptDeadlines.Call call = deadlines.start(start + FAR, start + FAR, ms(200), expiry);
        sentinel(50).await(); // the watcher has seen the call and sleeps until its first-token limit, a minute away
        call.outputBegan(System.nanoTime());
        assertThat(expiry.await()).isEqualTo(Kind.STALL_TIMEOUT);
        assertThat(expiry.atNanos - start).as("by the stall limit, not the first-token limit").isLessThan(ms(10_000));
    }

    @Test
    void aCallWithAnEarlierLimitWakesAWatcherSleepingUntilALaterOne() throws Exception {
        long start = System.nanoTime();
        deadlines.start(start + FAR, start + FAR, FAR, new Recorded());
        sentinel(50).await();
        Recorded soon = sentinel(200);
        assertThat(soon.await()).isEqualTo(Kind.FIRST_TOKEN_TIMEOUT);
        assertThat(soon.atNanos - start).isLessThan(ms(10_000));
    }

    @Test
    void callsThatEndBeforeTheirLimitsAreNeverExpired() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) {
            long now = System.nanoTime();
            AttemptDeadlines.Call call = deadlines.start(now + ms(150), now + ms(300), ms(150), kind -> runs.incrementAndGet());
            if (i % 2 == 0) {
                call.outputBegan(now);
            }
            deadlines.done(call);
        }
        assertThat(deadlines.inFlight()).isZero();
        sentinel(400).await();
        assertThat(runs).hasValue(0);
    }

    @Test
    void afterCloseNewCallsAreRefusedAndThoseInFlightStillExpire() throws Exception {
        Recorded inFlight = sentinel(100);
        deadlines.close();
        long now = System.nanoTime();
        assertThat(deadlines.start(now + FAR, now + FAR, FAR, kind -> { })).isNull();
        assertThat(inFlight.await()).as("the call in flight still gets its limit").isEqualTo(Kind.FIRST_TOKEN_TIMEOUT);
        assertThat(deadlines.inFlight()).isZero();
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
