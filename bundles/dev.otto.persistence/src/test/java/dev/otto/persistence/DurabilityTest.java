package dev.otto.persistence;

import dev.otto.support.sqlite.Reporter;
import dev.otto.support.testing.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;

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
                for (String suffix : List.of("", "-wal", "-shm", ".marker")) {
                    Files.deleteIfExists(Path.of(db + suffix));
                }
                created.clear();
                modelled.clear();
            }
            // fresh rounds die while the file is being created and migrated; the others mid-writing
            int acksBeforeKill = fresh ? 0 : 1 + random.nextInt(60);
            ChildJvm child = ChildJvm.start(DurabilityChild.class, Files.createTempFile(db.getParent(), "child", ".err"),
                    line -> line.startsWith("created ") || line.startsWith("model "), db.toString(),
                    String.valueOf(THREADS));
            try {
                if (fresh) {
                    child.awaitLine("opening", WAIT, context);
                } else {
                    child.awaitAcks(acksBeforeKill, WAIT, context);
                }
            } finally {
                child.kill();
            }
            if (fresh && !child.lines().contains("ready")) {
                killedWhileOpening++;
            }
            for (String line : child.lines()) {
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
        if (!Files.exists(db)) {
            // killed while a fresh database was made under otto.db.new: never an empty otto.db
            assertThat(created).as("acknowledged jobs, but no database, after " + context).isEmpty();
            return;
        }
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
}
