package dev.otto.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

import dev.otto.support.text.TerminalSafe;

class LogLineFormatterTest {

    private static final Instant T = Instant.parse("2026-11-21T21:40:00.123Z");

    @Test
    void oneReadableLineWithTimeLevelBundleLoggerAndMessage() {
        assertThat(LogLineFormatter.format(T, LogLevel.WARN, "dev.otto.catalog", "dev.otto.catalog.Refresh",
                "refresh failed\nkeeping the last snapshot", null, false))
                .isEqualTo("2026-11-21T21:40:00.123Z WARN  dev.otto.catalog [dev.otto.catalog.Refresh] refresh failed"
                        + System.lineSeparator() + "    keeping the last snapshot");
        assertThat(LogLineFormatter.format(T, LogLevel.ERROR, null, null, "framework", null, false))
                .isEqualTo("2026-11-21T21:40:00.123Z ERROR - framework");
    }

    @Test
    void theConsoleGetsTheCauseChainAndTheFileTheWholeTrace() {
        Exception failure = new RuntimeException("activation failed", new IllegalStateException("the real reason"));
        String console = LogLineFormatter.format(T, LogLevel.ERROR, "b", "b", "oops", failure, false);
        assertThat(console.lines()).hasSize(4);
        assertThat(console).contains("  ! java.lang.RuntimeException: activation failed",
                "  ! caused by java.lang.IllegalStateException: the real reason",
                "    at dev.otto.logging.LogLineFormatterTest");
        String file = LogLineFormatter.format(T, LogLevel.ERROR, "b", "b", "oops", failure, true);
        assertThat(file).contains("Caused by: java.lang.IllegalStateException: the real reason", "\tat ");
        assertThat(file.lines().count()).isGreaterThan(4);
    }

    @Test
    void aCauseCycleDoesNotLoopForever() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(LogLineFormatter.causeChain(a).lines().filter(l -> l.contains("!"))).hasSize(2);
    }

    @Test
    void escapeSequencesAndBidiControlsInAMessageOrAnExceptionAreWrittenAsTextNotObeyed() {
        Exception failure = new IllegalStateException("provider said \u001b[2J\u001b]0;pwned\u0007 \u202etxt.exe");
        for (boolean file : new boolean[] { false, true }) {
            String line = LogLineFormatter.format(T, LogLevel.WARN, "dev.otto.scheduler", "job",
                    "job 'a\u001b[31mred\u202e' failed\rFAKE", failure, file);
            assertThat(line).doesNotContain("\u001b", "\u0007", "\u202e", "\r")
                    .startsWith("2026-11-21T21:40:00.123Z WARN  dev.otto.scheduler [job] job 'a\\u001b[31mred\\u202e' failed"
                            + System.lineSeparator() + "    FAKE")
                    .contains("provider said \\u001b[2J\\u001b]0;pwned\\u0007 \\u202etxt.exe");
        }
        String plain = "2026 ok\tcafé 日本\nnext";
        assertThat(TerminalSafe.text(plain)).isSameAs(plain);
    }
}
