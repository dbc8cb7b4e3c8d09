package dev.otto.invoker.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BodyDeadlinesTest {

    private final BodyDeadlines deadlines = new BodyDeadlines("test-deadlines");

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void aCallStillInFlightAtItsDeadlineIsExpiredOnceWithinATickOrTwo() throws InterruptedException {
        // a pause first: the thread is asleep until a call starts
        Thread.sleep(3 * BodyDeadlines.TICK.toMillis());
        CountDownLatch expired = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        long start = System.nanoTime();
        BodyDeadlines.Call call = deadlines.start(start + Duration.ofMillis(100).toNanos(), () -> {
            runs.incrementAndGet();
            expired.countDown();
        });
        assertThat(call).isNotNull();
        assertThat(expired.await(5, TimeUnit.SECONDS)).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("never before the deadline").isGreaterThanOrEqualTo(Duration.ofMillis(100));
        Thread.sleep(3 * BodyDeadlines.TICK.toMillis());
        assertThat(runs).hasValue(1);
        assertThat(deadlines.inFlight()).isZero();
        deadlines.done(call); // the call ends after its expiry: nothing left to do
    }

    @Test
    void aCallThatEndsBeforeItsDeadlineIsNeverExpired() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 10_000; i++) {
            BodyDeadlines.Call call = deadlines.start(System.nanoTime() + Duration.ofMillis(150).toNanos(),
                    runs::incrementAndGet);
            deadlines.done(call);
        }
        assertThat(deadlines.inFlight()).isZero();
        Thread.sleep(300);
        assertThat(runs).hasValue(0);
    }

    @Test
    void afterCloseNewCallsAreRefusedAndThoseInFlightStillExpire() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        BodyDeadlines.Call inFlight = deadlines.start(System.nanoTime() + Duration.ofMillis(100).toNanos(), expired::countDown);
        deadlines.close();
        assertThat(deadlines.start(System.nanoTime() + Duration.ofSeconds(10).toNanos(), () -> { })).isNull();
        assertThat(inFlight).isNotNull();
        assertThat(expired.await(5, TimeUnit.SECONDS)).as("the call in flight still gets its deadline").isTrue();
        assertThat(deadlines.inFlight()).isZero();
    }
}
