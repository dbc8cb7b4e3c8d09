package dev.otto.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.osgi.service.log.LogLevel;

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
}
