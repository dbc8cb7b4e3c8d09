package dev.otto.opencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    static final Duration BASE = EventStream.Timing.DEFAULT.backoffBase();
    static final Duration CAP = EventStream.Timing.DEFAULT.backoffCap();

    @Test
    void theDefaultDoublesFrom100MillisecondsToFiveSeconds() {
        Backoff planned = new Backoff(BASE, CAP, () -> 1.0); // no jitter: the planned wait

        assertThat(new long[] {planned.after(0).toMillis(), planned.after(1).toMillis(), planned.after(2).toMillis(),
                planned.after(5).toMillis(), planned.after(6).toMillis(), planned.after(1000).toMillis()})
                .containsExactly(100, 200, 400, 3200, 5000, 5000);
    }

    @Test
    void jitterTakesBetweenHalfAndAllOfThePlannedWait() {
        assertThat(new Backoff(BASE, CAP, () -> 0.0).after(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(new Backoff(BASE, CAP, () -> 0.5).after(3)).isEqualTo(Duration.ofMillis(600));
        assertThat(new Backoff(BASE, CAP, () -> 0.0).after(99)).isEqualTo(CAP.dividedBy(2));
    }

    @Test
    void aBaseAboveTheCapIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
