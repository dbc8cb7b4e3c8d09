package dev.otto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final AtomicInteger calls = new AtomicInteger();
    private FileWatcher watcher;

    @AfterEach
    void tearDown() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
    }

    private void watch(Path file) throws IOException {
        watcher = new FileWatcher(file, Duration.ofMillis(50), Duration.ofMillis(200), calls::incrementAndGet,
                trouble -> { }).start();
    }

    private void awaitCalls(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (calls.get() < atLeast) {
            assertThat(System.nanoTime() - deadline).as("callback " + atLeast + " within " + WAIT).isNegative();
            Thread.sleep(20);
        }
    }

    @Test
    void inPlaceWritesAtomicRenamesDeletesAndRecreatesAreAllNoticed() throws Exception {
        Path file = dir.resolve("config.jsonc");
        Files.writeString(file, "{}");
        watch(file);

        Files.writeString(file, "{ }", StandardCharsets.UTF_8);
        awaitCalls(1);

        Path temp = dir.resolve("config.jsonc.tmp");
        Files.writeString(temp, "{  }");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitCalls(2);

        Files.delete(file);
        awaitCalls(3);

        Files.writeString(file, "{}");
        awaitCalls(4);
    }

    @Test
    void aFolderThatAppearsLaterIsWatchedOnceItExists() throws Exception {
        Path file = dir.resolve("later/otto/config.jsonc");
        watch(file);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{}");
        awaitCalls(1);
        Files.writeString(file, "{ }");
        awaitCalls(2);
    }
}
