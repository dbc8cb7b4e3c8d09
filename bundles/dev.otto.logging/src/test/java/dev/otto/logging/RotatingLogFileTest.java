package dev.otto.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.LogLevel;

class RotatingLogFileTest {

    @TempDir
    Path dir;

    @Test
    void appendsOwnerOnlyAndRollsOverKeepingTheNewest() throws Exception {
        Path log = dir.resolve("logs/otto.log");
        String entry = "x".repeat(400);
        try (RotatingLogFile file = new RotatingLogFile(log, 1024, 2)) {
            for (int i = 0; i < 12; i++) {
                file.append(i + " " + entry);
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        assertThat(Files.size(log)).isLessThanOrEqualTo(1024);
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).startsWith("10 ").contains("11 ");
        assertThat(Files.readString(dir.resolve("logs/otto.log.1"), StandardCharsets.UTF_8)).startsWith("8 ");
        assertThat(Files.readString(dir.resolve("logs/otto.log.2"), StandardCharsets.UTF_8)).startsWith("6 ");
        assertThat(dir.resolve("logs/otto.log.3")).doesNotExist();
    }

    @Test
    void aRestartAppendsToTheExistingFile() throws Exception {
        Path log = dir.resolve("otto.log");
        try (RotatingLogFile file = new RotatingLogFile(log, 4096, 1)) {
            file.append("first run");
        }
        try (RotatingLogFile file = new RotatingLogFile(log, 4096, 1)) {
            file.append("second run");
        }
        assertThat(Files.readAllLines(log)).containsExactly("first run", "second run");
    }

    @Test
    void nonsenseLimitsAreRejected() {
        assertThatThrownBy(() -> new RotatingLogFile(dir.resolve("a"), 10, 1)).hasMessageContaining("maxBytes");
        assertThatThrownBy(() -> new RotatingLogFile(dir.resolve("a"), 4096, 0)).hasMessageContaining("keep");
    }

    @Test
    void levelsAreReadCaseInsensitivelyWithAFallback() {
        assertThat(LogRelay.level("debug", LogLevel.WARN)).isEqualTo(LogLevel.DEBUG);
        assertThat(LogRelay.level(null, LogLevel.WARN)).isEqualTo(LogLevel.WARN);
        assertThat(LogRelay.level("loud", LogLevel.INFO)).isEqualTo(LogLevel.INFO);
        assertThat(LogRelay.level(" off ", LogLevel.WARN)).as("OFF: nothing is written").isNull();
    }
}
