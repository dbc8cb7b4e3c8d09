package dev.otto.telemetry.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.support.sqlite.Reporter;

/**
 * The telemetry database file as an operator or a disk leaves it, on real files: an empty,
 * corrupt or vanished {@code telemetry.db} is refused at open with the remedy and left as it is; a
 * file deleted while open refuses new connections and commits (no batch counted written on a
 * ghost) and is reported; a full disk is reported until a commit succeeds.
 */
class TelemetryDatabaseTest {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve(TelemetryDatabase.FILE);
    }

    private TelemetryDatabase open() {
        return TelemetryDatabase.open(db(), false, Reporter.NONE);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void anEmptyFileIsRefusedAndLeftAsItIs() throws Exception {
        Files.createFile(db());
        assertThatThrownBy(this::open).hasMessageStartingWith("the telemetry database " + db() + " is empty (0 bytes)")
                .hasMessageContaining("restore it from a backup");
        assertThat(Files.size(db())).isZero();
    }

    @Test
    void corruptPagesAreRefusedAtOpen() throws Exception {
        TelemetryDatabase database = open();
        try (Connection c = database.connect()) {
            execute(c, "CREATE TABLE filler (x)");
            for (int i = 0; i < 50; i++) {
                execute(c, "INSERT INTO filler VALUES (randomblob(1000))");
            }
        }
        try (RandomAccessFile file = new RandomAccessFile(db().toFile(), "rw")) {
            byte[] garbage = new byte[4096 * 4];
            Arrays.fill(garbage, (byte) 0x5a);
            file.seek(4096);
            file.write(garbage);
        }
        long size = Files.size(db());
        assertThatThrownBy(this::open).hasMessageStartingWith("the telemetry database " + db() + " is corrupt (");
        assertThat(Files.size(db())).isEqualTo(size);
    }

    @Test
    void aVanishedDatabaseIsNotSilentlyStartedEmpty() throws Exception {
        open();
        Files.delete(db());
        assertThatThrownBy(this::open).hasMessageStartingWith("the telemetry database " + db() + " is missing, but this"
                + " data folder had one");
        assertThat(db()).doesNotExist();
    }

    @Test
    void aDatabaseDeletedWhileOpenRefusesCommitsAndNewConnections() throws Exception {
        TelemetryDatabase database = open();
        try (Connection c = database.connect()) {
            execute(c, "CREATE TABLE t (x)");
            assertThat(database.problem()).isNull();
            Files.delete(db());
            assertThat(database.problem()).startsWith("the telemetry database " + db() + " was deleted while Otto ran");
            execute(c, "BEGIN IMMEDIATE");
            execute(c, "INSERT INTO t VALUES (1)");
            assertThatThrownBy(() -> execute(c, "COMMIT")).isInstanceOf(SQLException.class)
                    .hasMessageStartingWith("committing to the telemetry database refused: the telemetry database " + db()
                            + " was deleted while Otto ran");
        }
        assertThatThrownBy(database::connect).isInstanceOf(SQLException.class)
                .hasMessageContaining("was deleted while Otto ran");
        assertThat(db()).as("no new empty file at the path").doesNotExist();
    }

    @Test
    void aFullDiskIsReportedUntilACommitSucceeds() throws Exception {
        TelemetryDatabase database = open();
        try (Connection c = database.connect()) {
            execute(c, "CREATE TABLE t (x)");
            long pages;
            try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                pages = rs.getLong(1);
            }
            // SQLite's own page limit stands in for the disk: the same SQLITE_FULL a full disk gives
            execute(c, "PRAGMA max_page_count = " + pages);
            execute(c, "BEGIN IMMEDIATE");
            assertThatThrownBy(() -> execute(c, "INSERT INTO t VALUES (randomblob(100000))"))
                    .hasMessageContaining("SQLITE_FULL");
            // SQLite ended the transaction itself on SQLITE_FULL
            assertThat(database.problem()).startsWith("cannot write to the telemetry database " + db() + ": disk full?");
            execute(c, "PRAGMA max_page_count = 1073741823");
            execute(c, "BEGIN IMMEDIATE");
            execute(c, "INSERT INTO t VALUES (1)");
            execute(c, "COMMIT");
            assertThat(database.problem()).isNull();
        }
    }
}
