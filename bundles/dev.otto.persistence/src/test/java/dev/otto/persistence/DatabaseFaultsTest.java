package dev.otto.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.model.Flow;
import dev.otto.support.testing.MutableClock;

/**
 * What an operator or a disk does to {@code otto.db}, on real files: an empty, foreign, corrupt or
 * vanished file is refused at open with one line saying what to do, and never replaced; a file
 * deleted or replaced while open refuses every write, with a rescue copy of what Otto still held;
 * a full disk is reported by the health check until a write succeeds again.
 */
class DatabaseFaultsTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    Path dir;

    private final RecordingReporter reporter = new RecordingReporter();

    private Path db() {
        return dir.resolve("otto.db");
    }

    private SqliteJobRepository open() {
        return new SqliteJobRepository(JobDatabase.open(db(), reporter), new MutableClock(T0));
    }

    private static JobDraft draft(String name) {
        return new JobDraft(name, Flow.SCHEDULED_TASKS, "0 3 * * *", "Summarize the day.", true, null);
    }

    @Test
    void aFreshInstallCreatesTheDatabaseAndRecordsThatItExists() {
        SqliteJobRepository jobs = open();
        jobs.create(draft("digest"));
        jobs.close();
        assertThat(db()).isRegularFile();
        assertThat(dir.resolve("otto.db.marker")).isRegularFile();
        assertThat(reporter.lines).contains("INFO created the job database " + db());
        assertThat(dir.resolve("otto.db.new")).doesNotExist();
    }

    @Test
    void anEmptyFileIsRefusedAndLeftAsItIs() throws Exception {
        Files.createFile(db());
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the job database " + db() + " is empty (0 bytes)")
                .hasMessageContaining("restore it from a backup")
                .hasMessageContaining("mv " + db() + " " + db() + ".empty");
        assertThat(Files.size(db())).isZero();
        assertThat(dir.resolve("otto.db.marker")).doesNotExist();
    }

    @Test
    void aDirectoryOrALinkInItsPlaceIsRefused() throws Exception {
        Files.createDirectory(db());
        assertThatThrownBy(this::open).hasMessageStartingWith("the job database " + db() + " is a directory, not a"
                + " regular file").hasMessageContaining("move it aside");
        Files.delete(db());
        Path elsewhere = dir.resolve("elsewhere.db");
        open().close();
        Files.move(db(), elsewhere);
        Files.createSymbolicLink(db(), elsewhere);
        assertThatThrownBy(this::open).hasMessageStartingWith("the job database " + db() + " is a symbolic link:")
                .hasMessageContaining("point the data folder (OTTO_DATA_DIR");
    }

    @Test
    void corruptPagesAreRefusedAtOpenAndTheFileIsNotTouched() throws Exception {
        SqliteJobRepository jobs = open();
        for (int i = 0; i < 200; i++) {
            jobs.create(draft("job " + i));
        }
        jobs.close();
        try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
            byte[] garbage = new byte[4096 * 3];
            java.util.Arrays.fill(garbage, (byte) 0x5a);
            file.seek(4096); // page 2 onwards: the header stays readable, the b-trees do not
            file.write(garbage);
        }
        String before = sha256(db());
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the job database " + db() + " is corrupt (")
                .hasMessageContaining("restore it from a backup");
        assertThat(sha256(db())).isEqualTo(before);
    }

    @Test
    void aForeignFileIsRefusedAsNotADatabase() throws Exception {
        Files.writeString(db(), "this is not a database, just some text that is long enough to have a header page".repeat(20));
        String before = sha256(db());
        assertThatThrownBy(this::open).hasMessageStartingWith("the job database " + db() + " is not a SQLite database")
                .hasMessageContaining("move it aside");
        assertThat(sha256(db())).isEqualTo(before);
    }

    @Test
    void aDatabaseThatVanishedIsNotSilentlyStartedEmpty() throws Exception {
        SqliteJobRepository jobs = open();
        jobs.create(draft("digest"));
        jobs.close();
        Files.delete(db());
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the job database " + db() + " is missing, but this data folder had one")
                .hasMessageContaining("restore it from a backup")
                .hasMessageContaining("delete " + dir.resolve("otto.db.marker") + " to start with a new, empty database");
        assertThat(db()).doesNotExist();
        // the operator's choice: a new, empty database
        Files.delete(dir.resolve("otto.db.marker"));
        jobs = open();
        assertThat(jobs.list()).isEmpty();
        jobs.close();
    }

    @Test
    void aDatabaseDeletedWhileOpenRefusesWritesAndSavesWhatItHeld() throws Exception {
        SqliteJobRepository jobs = open();
        jobs.create(draft("digest"));
        assertThat(jobs.problem()).isNull();
        Files.delete(db());
        assertThat(jobs.problem()).startsWith("the job database " + db() + " was deleted while Otto ran");
        assertThatThrownBy(() -> jobs.create(draft("second"))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("creating a job refused: the job database " + db() + " was deleted while Otto ran")
                .hasMessageContaining(db() + ".rescued");
        assertThat(db()).doesNotExist();
        Path rescued;
        try (var files = Files.list(dir)) {
            rescued = files.filter(f -> f.getFileName().toString().startsWith("otto.db.rescued")).findFirst().orElseThrow();
        }
        assertThat(Sql.rows(rescued, "SELECT name FROM jobs")).containsExactly("digest");
        assertThat(jobs.problem()).contains(rescued.toString());
        jobs.close();
        // the deleted file's WAL is not left to be applied to the file put back
        assertThat(dir.resolve("otto.db-wal")).doesNotExist();
        assertThat(dir.resolve("otto.db-shm")).doesNotExist();
        assertThatThrownBy(this::open).hasMessageContaining("is missing").hasMessageContaining(rescued.toString());
        Files.move(rescued, db());
        SqliteJobRepository back = open();
        assertThat(back.list()).extracting(j -> j.name()).containsExactly("digest");
        back.close();
        assertThat(Sql.rows(db(), "PRAGMA integrity_check")).containsExactly("ok");
    }

    @Test
    void aBackupRestoredWhileOttoRunsIsOpenedIntactAfterTheRestart() throws Exception {
        SqliteJobRepository jobs = open();
        jobs.create(draft("old"));
        jobs.close();
        Path backup = dir.resolve("backup.db");
        Files.copy(db(), backup);
        jobs = open();
        for (int i = 0; i < 50; i++) {
            jobs.create(draft("newer " + i)); // frames in the WAL of the file about to be replaced
        }
        Files.move(backup, db(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        jobs.close();
        SqliteJobRepository restored = open();
        assertThat(restored.list()).extracting(j -> j.name()).containsExactly("old");
        restored.close();
        assertThat(Sql.rows(db(), "PRAGMA integrity_check")).containsExactly("ok");
    }

    @Test
    void aDatabaseReplacedWhileOpenRefusesWrites() throws Exception {
        SqliteJobRepository jobs = open();
        jobs.create(draft("digest"));
        Path other = dir.resolve("other.db");
        Files.copy(db(), other);
        Files.move(other, db(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(jobs.problem()).startsWith("the job database " + db() + " was replaced by another file while Otto ran")
                .contains("restart Otto");
        assertThatThrownBy(() -> jobs.recordStart(1, JobRunTrigger.MANUAL, T0))
                .hasMessageStartingWith("recording a run of job 1 refused: the job database " + db() + " was replaced");
        jobs.close();
    }

    @Test
    void aFullDiskIsReportedUntilAWriteSucceedsAgain() throws Exception {
        SqliteJobRepository jobs = open();
        long run = jobs.recordStart(jobs.create(draft("digest")).id(), JobRunTrigger.MANUAL, T0).id();
        JobDatabase database = jobs.database();
        // SQLite's own page limit stands in for the disk: the same SQLITE_FULL a full disk gives
        long pages = database.read("counting pages", c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        database.read("limiting", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA max_page_count = " + pages);
            }
            return null;
        });
        for (int i = 0; i < 5 && jobs.problem() == null; i++) {
            try {
                jobs.create(new JobDraft("big " + i, Flow.SCHEDULED_TASKS, "0 3 * * *", "x".repeat(20_000), true, null));
            } catch (IllegalStateException expected) {
                assertThat(expected.getMessage()).contains("SQLITE_FULL");
            }
        }
        assertThat(jobs.problem()).startsWith("cannot write to the job database " + db() + ": disk full?")
                .contains("free space");
        database.read("unlimiting", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA max_page_count = 1073741823");
            }
            return null;
        });
        assertThat(jobs.recordFinish(run, JobRunEnd.aborted(T0.plusSeconds(1))).orElseThrow().outcome())
                .isEqualTo(JobRunOutcome.ABORTED);
        assertThat(jobs.problem()).isNull();
        jobs.close();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
