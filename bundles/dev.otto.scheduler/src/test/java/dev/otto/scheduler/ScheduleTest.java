package dev.otto.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The two schedule syntaxes, including cron lists (whose cron-utils class logs through the embedded SLF4J). */
class ScheduleTest {

    private static final Instant T = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void isoIntervalsAddToTheLastStart() {
        assertThat(Schedule.parse("PT15M", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-21T12:15:00Z"));
        assertThat(Schedule.parse("P1D", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
    }

    @Test
    void cronExpressionsGiveTheNextTimeInTheZone() {
        assertThat(Schedule.parse("0 3 * * *", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
        assertThat(Schedule.parse("0 3,15 * * *", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-21T15:00:00Z"));
        assertThat(Schedule.parse("*/5 * * * *", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-21T12:05:00Z"));
        assertThat(Schedule.parse("0 3 * * *", ZoneId.of("Europe/Berlin")).nextAfter(T))
                .isEqualTo(Instant.parse("2026-11-22T02:00:00Z"));
    }

    @Test
    void invalidSchedulesSayWhatIsAccepted() {
        assertThatThrownBy(() -> Schedule.parse("every day", ZoneOffset.UTC))
                .hasMessageStartingWith("schedule 'every day' is neither an ISO-8601 interval nor a cron expression")
                .hasMessageEndingWith("such as '0 3 * * *'");
        assertThatThrownBy(() -> Schedule.parse("P1W", ZoneOffset.UTC)).hasMessageContaining("is not an ISO-8601 interval");
        assertThatThrownBy(() -> Schedule.parse("PT0.5S", ZoneOffset.UTC)).hasMessageContaining("at least one second");
    }
}
