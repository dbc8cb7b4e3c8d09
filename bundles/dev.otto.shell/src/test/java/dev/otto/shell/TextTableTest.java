package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndTheLastIsNotPadded() {
        String table = new TextTable("ID", "BUNDLE", "STATE")
                .row(1, "dev.otto.api", "active")
                .row(12, "dev.otto.shell.long", null)
                .toString();
        assertThat(table.lines()).containsExactly(
                "ID  BUNDLE               STATE",
                "1   dev.otto.api         active",
                "12  dev.otto.shell.long  -");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsRejected() {
        assertThatThrownBy(() -> new TextTable("A", "B").row("only one"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("expected 2 cells, got 1");
    }

    @Test
    void durationsReadAsAnOperatorSaysThem() {
        assertThat(Durations.format(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.format(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(Durations.format(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(Durations.format(Duration.ofMinutes(192))).isEqualTo("3h12m");
        assertThat(Durations.format(Duration.ofHours(52))).isEqualTo("2d4h");
        assertThat(Durations.ago(Duration.ofMinutes(192))).isEqualTo("3h12m ago");
        assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("-5s");
        assertThat(Durations.format(Duration.ofSeconds(62))).isEqualTo("1m02s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofMinutes(185))).isEqualTo("3h05m");
        assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    }

    @Test
    void elapsedTimesHaveTenthsUnderTenSeconds() {
        assertThat(Durations.elapsed(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.elapsed(Duration.ofMillis(1_234))).isEqualTo("1.2s");
        assertThat(Durations.elapsed(Duration.ofMillis(9_999))).isEqualTo("9.9s");
        assertThat(Durations.elapsed(Duration.ofMillis(12_345))).isEqualTo("12s");
    }

    @Test
    void timesAheadReadAsFromNow() {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        assertThat(Durations.fromNow(now.plusSeconds(102), now)).isEqualTo("in 1m42s");
        assertThat(Durations.fromNow(now.minusSeconds(1), now)).isEqualTo("now");
        assertThat(Durations.remaining(now.plusSeconds(62), now)).isEqualTo("for another 1m02s");
        assertThat(Durations.remaining(now, now)).isEqualTo("ending now");
    }

    @Test
    void everyCellIsEscapedSoARowStaysOneLineAndCannotDriveTheTerminal() {
        String table = new TextTable("JOB", "PROMPT").row(1, "say \u001b]0;owned\u0007hi\nthere \u202eevil").toString();

        assertThat(table).doesNotContain("\u001b").doesNotContain("\u202e")
                .contains("say \\u001b]0;owned\\u0007hi\\nthere \\u202eevil");
        assertThat(table.lines()).hasSize(2);
    }
}
