package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void escapeSequencesAndBidiOverridesAreWrittenOutNotPassedToTheTerminal() {
        String prompt = "check \u001b[31mred\u001b[0m\u0007 and \u202eevil\u202c \u2066x\u2069 \u009b2J";

        String shown = Printable.of(prompt);

        assertThat(shown).isEqualTo("check \\u001b[31mred\\u001b[0m\\u0007 and \\u202eevil\\u202c \\u2066x\\u2069 \\u009b2J");
        assertThat(shown.chars().noneMatch(c -> Printable.unsafe((char) c))).isTrue();
    }

    @Test
    void lineBreaksAndTabsAreShownAsTheirEscapesSoATableRowStaysOneLine() {
        assertThat(Printable.of("a\nb\r\tc\u2028d")).isEqualTo("a\\nb\\r\\tc\\u2028d");
    }

    @Test
    void ordinaryTextOfAnyScriptIsKeptAsItIs() {
        String text = "Grüße, 日本語, עברית, emoji \uD83D\uDE00, \"quotes\" and \\backslash";

        assertThat(Printable.of(text)).isSameAs(text);
        assertThat(Printable.of(null)).isNull();
    }

    @Test
    void aTableEscapesEveryCell() {
        String table = new TextTable("JOB", "PROMPT").row(1, "say \u001b]0;owned\u0007hi\nthere").toString();

        assertThat(table).doesNotContain("\u001b").contains("say \\u001b]0;owned\\u0007hi\\nthere");
        assertThat(table.lines()).hasSize(2);
    }
}
