package dev.otto.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.otto.api.catalog.CatalogSnapshot;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache file survives kill -9 at any moment: a child JVM ({@link CacheWriterChild}) rewrites
 * it in a loop with two different real catalogs and is killed at a random point; each time the
 * file then holds one of the two catalogs, whole, and loading it removes the temporary files the
 * killed writes left behind.
 */
class CacheFileCrashTest {

    static final int KILLS = 200;
    static final int MAX_KILL_DELAY_MILLIS = 150;
    static final long WAIT_SECONDS = 30;
    /** Only start-up speed matters for the child. */
    static final List<String> CHILD_JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");

    @TempDir
    Path dir;

    @Test
    void killedWriterAlwaysLeavesOneWholeCatalog() throws Exception {
        CatalogSnapshot a = CacheWriterChild.a();
        CatalogSnapshot b = CacheWriterChild.b();
        assertThat(a).isNotEqualTo(b);
        Path file = dir.resolve("data").resolve("model-catalog-cache.json");
        Path stderr = dir.resolve("child-stderr.txt");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int killsLeavingTemps = 0;
        int foundA = 0;
        int foundB = 0;

        for (int kill = 1; kill <= KILLS; kill++) {
            String round = "kill " + kill + " of " + KILLS + " (seed " + seed + ")";
            Process child = new ProcessBuilder(command(file)).redirectError(stderr.toFile()).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = readLines(child, lines);
            try {
                String first = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (first == null || first.isEmpty()) {
                    fail(round + ": the child acknowledged no write within " + WAIT_SECONDS + " s; its stderr: "
                            + Files.readString(stderr));
                }
                Thread.sleep(random.nextInt(MAX_KILL_DELAY_MILLIS + 1)); // the random moment of the kill
            } finally {
                child.destroyForcibly();
            }
            assertThat(child.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as(round + ": child ended").isTrue();
            assertThat(child.exitValue()).as(round + ": killed by SIGKILL while writing, not ended on its own; stderr: %s",
                    Files.readString(stderr)).isEqualTo(128 + 9);
            reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            child.getOutputStream().close();

            List<Path> temps = temps(file);
            killsLeavingTemps += temps.isEmpty() ? 0 : 1;
            CacheFile.Loaded loaded = new CacheFile(file).load(Instant.now());

            assertThat(loaded.movedAside()).as(round + ": cache moved aside as corrupt (%s)", loaded.problem()).isNull();
            assertThat(loaded.snapshot()).as(round + ": cache after an acknowledged write").isPresent();
            assertThat(loaded.snapshot().get()).as(round).isIn(a, b);
            assertThat(loaded.strayTemps()).as(round + ": stray temp files removed").containsExactlyInAnyOrderElementsOf(temps);
            assertThat(temps(file)).as(round + ": temp files left after load").isEmpty();
            try (Stream<Path> files = Files.list(file.getParent())) {
                assertThat(files).as(round).containsExactly(file);
            }
            foundA += loaded.snapshot().get().equals(a) ? 1 : 0;
            foundB += loaded.snapshot().get().equals(b) ? 1 : 0;
        }

        System.out.printf("%d kills (seed %d): %d left a temp file, %d left catalog A, %d catalog B%n",
                KILLS, seed, killsLeavingTemps, foundA, foundB);
        // the kills landed at different points: in the middle of writes, and after writes of both catalogs
        assertThat(killsLeavingTemps).as("kills that left a temp file").isPositive();
        assertThat(foundA).as("kills that left catalog A").isPositive();
        assertThat(foundB).as("kills that left catalog B").isPositive();
    }

    private static List<String> command(Path file) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM_FLAGS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CacheWriterChild.class.getName());
        command.add(file.toString());
        return command;
    }

    /** Reads the child's lines until its end; an empty line marks the end of the output. */
    private static Thread readLines(Process child, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = child.inputReader(StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child was killed mid-line
            } finally {
                lines.add("");
            }
        }, "cache-writer-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static List<Path> temps(Path file) throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            return files.filter(path -> path.getFileName().toString().startsWith(file.getFileName() + ".tmp-")).toList();
        }
    }
}
