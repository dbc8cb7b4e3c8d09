package dev.otto.support.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalSafeTest {

    private static final String HOSTILE = "check \u001b[31mred\u001b[0m\u0007 and \u202eevil\u202c \u2066x\u2069 \u009b2J\u007f\u2028";

    @Test
    void escapeSequencesAndBidiControlsAreWrittenOutNotPassedOn() {
        String expected = "check \\u001b[31mred\\u001b[0m\\u0007 and \\u202eevil\\u202c \\u2066x\\u2069 \\u009b2J\\u007f\\u2028";

        assertThat(TerminalSafe.line(HOSTILE)).isEqualTo(expected);
        assertThat(TerminalSafe.text(HOSTILE)).isEqualTo(expected);
        assertThat(TerminalSafe.line(HOSTILE).chars().noneMatch(c -> TerminalSafe.isControl((char) c))).isTrue();
    }

    @Test
    void aTextKeepsItsLinesAndALoneCarriageReturnIsEscaped() {
        assertThat(TerminalSafe.text("a\tb\nc\r\nd")).isEqualTo("a\tb\nc\r\nd");
        assertThat(TerminalSafe.text("progress 10%\rdone\r")).isEqualTo("progress 10%\\rdone\\r");
    }

    @Test
    void aLineEscapesLineBreaksAndTabsSoATableRowStaysOneRow() {
        assertThat(TerminalSafe.line("a\nb\r\tc\r\nd")).isEqualTo("a\\nb\\r\\tc\\r\\nd");
    }

    @Test
    void ordinaryTextOfAnyScriptIsTheSameInstanceAndEscapingTwiceChangesNothingMore() {
        String text = "Grüße, 日本語, עברית, emoji \uD83D\uDE00, \"quotes\" and \\backslash";

        assertThat(TerminalSafe.text(text)).isSameAs(text);
        assertThat(TerminalSafe.line(text)).isSameAs(text);
        assertThat(TerminalSafe.text(TerminalSafe.line(HOSTILE))).isEqualTo(TerminalSafe.line(HOSTILE));
        assertThat(TerminalSafe.line(null)).isNull();
        assertThat(TerminalSafe.text(null)).isNull();
    }
}
