package dev.otto.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
                .hasMessageStartingWith("schedule 'every day' has 2 fields: a cron expression has five")
                .hasMessageEndingWith("e.g. '0 3 * * *'");
        assertThatThrownBy(() -> Schedule.parse("P1W", ZoneOffset.UTC)).hasMessageContaining("is not an ISO-8601 interval");
        assertThatThrownBy(() -> Schedule.parse("PT0.5S", ZoneOffset.UTC)).hasMessageContaining("at least one second");
    }

    /** Every schedule that can never fire is refused with one line saying why; none reaches the job table. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "garbage             | schedule 'garbage' is neither an ISO-8601 interval nor a cron expression",
            "0 0 3 * * * *       | schedule '0 0 3 * * * *' has 7 fields: a cron expression has five",
            "0 3 * * * *         | schedule '0 3 * * * *' has 6 fields",
            "PT0S                | schedule 'PT0S' is zero: an interval is at least PT1S",
            "-PT5S               | schedule '-PT5S' is a signed interval",
            "PT-5S               | schedule 'PT-5S' is negative",
            "PT0.5S              | schedule 'PT0.5S' is shorter than PT1S",
            "P400D               | schedule 'P400D' is longer than 366 days",
            "PT99999999999999H   | schedule 'PT99999999999999H' is longer than 366 days",
            "*/0 * * * *         | schedule '*/0 * * * *' has a step of 0 (/0), which never advances",
            "0 1-23/00 * * *     | schedule '0 1-23/00 * * *' has a step of 0",
            "0 0 30 2 *          | schedule '0 0 30 2 *' never fires",
            "0 0 31 4,6,9,11 *   | schedule '0 0 31 4,6,9,11 *' never fires",
            "60 * * * *          | schedule '60 * * * *' is not a valid cron expression",
            "P1M                 | schedule 'P1M' is not an ISO-8601 interval",
    })
    void aScheduleThatCanNeverFireIsRefusedSayingWhy(String schedule, String reason) {
        assertThatThrownBy(() -> Schedule.parse(schedule, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void emptyAndOverlongSchedulesAreRefused() {
        assertThatThrownBy(() -> Schedule.parse("   ", ZoneOffset.UTC)).hasMessageStartingWith("the schedule is empty");
        assertThatThrownBy(() -> Schedule.parse("1,".repeat(60) + "2 * * * *", ZoneOffset.UTC))
                .hasMessageStartingWith("the schedule is 129 characters long: at most 100");
    }

    @Test
    void schedulesThatFireRarelyButDoFireAreAccepted() {
        // February 29 exists in leap years; a step of 10 is not a step of 0
        assertThat(Schedule.parse("0 0 29 2 *", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
        assertThat(Schedule.parse("*/10 * * * *", ZoneOffset.UTC).nextAfter(T)).isEqualTo(Instant.parse("2026-11-21T12:10:00Z"));
        assertThat(Schedule.parse("P366D", ZoneOffset.UTC).nextAfter(T)).isEqualTo(T.plus(Duration.ofDays(366)));
        assertThat(Schedule.parse("PT1S", ZoneOffset.UTC).nextAfter(T)).isEqualTo(T.plusSeconds(1));
    }
}
