package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

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
    }
}
