package dev.otto.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The wait after failed refreshes: doubling, capped, jittered within ±20 %. */
class BackoffTest {

    static final Duration BASE = Duration.ofSeconds(30);
    static final Duration CAP = Duration.ofMinutes(30);

    /** A random source fixed at the middle of [0, 1): no jitter at all. */
    static Backoff unjittered() {
        return new Backoff(BASE, CAP, () -> 0.5);
    }

    @ParameterizedTest
    @CsvSource({"1, 30", "2, 60", "3, 120", "4, 240", "5, 480", "6, 960"})
    void doublesFromTheBase(int failures, long seconds) {
        assertThat(unjittered().after(failures)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @CsvSource({"7", "8", "40", "1000", "2147483647"})
    void neverWaitsLongerThanTheCap(int failures) {
        assertThat(unjittered().after(failures)).isEqualTo(CAP);
    }

    @Test
    void aCapBetweenTwoDoublingsIsReachedExactly() {
        Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(100), () -> 0.5);

        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void jitterStaysWithinTwentyPercentEitherWay() {
        double justBelowOne = Math.nextDown(1.0);
        for (int failures = 1; failures <= 10; failures++) {
            long nominal = unjittered().after(failures).toMillis();
            Duration lowest = new Backoff(BASE, CAP, () -> 0.0).after(failures);
            Duration highest = new Backoff(BASE, CAP, () -> justBelowOne).after(failures);
            Duration quarter = new Backoff(BASE, CAP, () -> 0.25).after(failures);

            assertThat(lowest.toMillis()).isEqualTo(Math.round(nominal * 0.8));
            assertThat(highest.toMillis()).isLessThanOrEqualTo(Math.round(nominal * 1.2))
                    .isGreaterThan(Math.round(nominal * 1.19));
            assertThat(quarter.toMillis()).isEqualTo(Math.round(nominal * 0.9));
        }
    }

    @Test
    void jitterAppliesAtTheCapToo() {
        assertThat(new Backoff(BASE, CAP, () -> 0.0).after(50)).isEqualTo(Duration.ofMinutes(24));
        assertThat(new Backoff(BASE, CAP, () -> 0.75).after(50)).isEqualTo(Duration.ofMinutes(33));
    }

    @Test
    void aBaseEqualToTheCapIsAllowed() {
        Backoff flat = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), () -> 0.5);

        assertThat(flat.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(flat.after(5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsABaseLongerThanTheCap() {
        assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(31), CAP, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 0 < base <= cap, got base PT31M, cap PT30M");
    }

    @Test
    void rejectsAZeroOrNegativeBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, CAP, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), CAP, () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
