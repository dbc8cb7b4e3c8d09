package dev.otto.persistence;

import dev.otto.support.sqlite.Reporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 at random moments: a child JVM writes jobs from several threads and prints each commit
 * once it returned; the parent kills it (Process.destroyForcibly) after a random number of
 * acknowledgements, 100 times, and after each kill checks the file: integrity ok, and every
 * acknowledged commit present. Some rounds start from an empty file and kill while it is opened
 * and migrated.
 */
class DurabilityTest {

    private static final int ROUNDS = 100;
    private static final int THREADS = 4;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommitSurvivesKill9AndTheFileStaysIntact() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path db = dir.resolve("otto.db");
        Set<Long> created = new HashSet<>();
        Set<Long> modelled = new HashSet<>();
        long start = System.nanoTime();
        int killedWhileOpening = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String context = "round " + round + " of seed " + seed;
            boolean fresh = round % 10 == 0;
            if (fresh) {
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
                created.clear();
                modelled.clear();
            }
            // fresh rounds die while the file is being created and migrated; the others mid-writing
            int acksBeforeKill = fresh ? 0 : 1 + random.nextInt(60);
            Child child = new Child(db);
            try {
                child.awaitOutput(fresh ? "opening" : null, acksBeforeKill, context);
            } finally {
                child.kill();
            }
            if (fresh && !child.lines.contains("ready")) {
                killedWhileOpening++;
            }
            for (String line : child.lines) {
                if (line.startsWith("created ")) {
                    created.add(Long.parseLong(line.substring(8)));
                } else if (line.startsWith("model ")) {
                    modelled.add(Long.parseLong(line.substring(6)));
                }
            }
            verify(db, created, modelled, context);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("durability: %d kills in %d ms, %d of them while opening a fresh file, %d jobs acknowledged"
                + " in the last database%n", ROUNDS, millis, killedWhileOpening, created.size());
        // the file the kills left behind still opens, migrates if needed and reads
        try (JobDatabase database = JobDatabase.open(db, Reporter.NONE)) {
            assertThat(database.schemaVersion()).isEqualTo("V4");
            assertThat(new SqliteJobRepository(database, java.time.Clock.systemUTC()).list().size())
                    .isGreaterThanOrEqualTo(created.size());
        }
    }

    private static void verify(Path db, Set<Long> created, Set<Long> modelled, String context) throws SQLException {
        try (Connection c = Sql.connect(db)) {
            assertThat(Sql.one(c, "PRAGMA integrity_check")).as("integrity after " + context).isEqualTo("ok");
            if (Sql.rows(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").isEmpty()) {
                assertThat(created).as("acknowledged jobs, but no jobs table, after " + context).isEmpty();
                return;
            }
            boolean hasModelColumn = !Sql.rows(c, "SELECT name FROM pragma_table_info('jobs') WHERE name = 'model_ref'").isEmpty();
            Map<Long, String> stored = new HashMap<>();
            for (String row : Sql.rows(c, hasModelColumn ? "SELECT id, model_ref FROM jobs" : "SELECT id, NULL FROM jobs")) {
                String[] cells = row.split("\\|");
                stored.put(Long.parseLong(cells[0]), cells[1]);
            }
            Set<Long> lost = new HashSet<>(created);
            lost.removeAll(stored.keySet());
            assertThat(lost).as("acknowledged jobs missing after " + context).isEmpty();
            List<Long> lostModels = new ArrayList<>();
            for (long id : modelled) {
                if (!"openai/gpt-5.2".equals(stored.get(id))) {
                    lostModels.add(id);
                }
            }
            assertThat(lostModels).as("acknowledged model overrides missing after " + context).isEmpty();
        }
    }

    /** One child JVM and the whole lines it printed. */
    private static final class Child {
        final List<String> lines = new ArrayList<>();
        private final Process process;
        private final Path stderr;
        private final Thread reader;
        private int acks;

        Child(Path db) throws IOException {
            stderr = Files.createTempFile(db.getParent(), "child", ".err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), DurabilityChild.class.getName(), db.toString(),
                    String.valueOf(THREADS))
                    .redirectError(stderr.toFile())
                    .start();
            reader = new Thread(this::read, "durability-child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        /** Reads stdout; a line counts only once its newline arrived (a kill can cut the last one). */
        private void read() {
            StringBuilder line = new StringBuilder();
            try (InputStream in = process.getInputStream()) {
                for (int b; (b = in.read()) >= 0;) {
                    if (b == '\n') {
                        synchronized (this) {
                            String whole = line.toString();
                            lines.add(whole);
                            if (whole.startsWith("created ") || whole.startsWith("model ")) {
                                acks++;
                            }
                            notifyAll();
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) b);
                    }
                }
            } catch (IOException killed) {
                // the pipe closed with the process
            }
            synchronized (this) {
                notifyAll();
            }
        }

        /** Waits (bounded) until {@code marker} was printed, or {@code count} acknowledgements were. */
        synchronized void awaitOutput(String marker, int count, String context) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (marker != null ? !lines.contains(marker) : acks < count) {
                if (!process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("the child exited by itself with status " + process.exitValue() + " in "
                            + context + ":\n" + Files.readString(stderr, StandardCharsets.UTF_8));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the child printed only " + lines.size() + " lines within "
                            + WAIT.toSeconds() + " s in " + context);
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
