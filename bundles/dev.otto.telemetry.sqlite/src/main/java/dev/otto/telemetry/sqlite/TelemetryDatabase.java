package dev.otto.telemetry.sqlite;

import dev.otto.support.sqlite.OwnerOnlyFile;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.sqlite.SchemaMigrator;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The telemetry database file {@code <data>/telemetry.db}, separate from {@code otto.db} so that
 * telemetry volume never competes with the jobs database and removing this bundle touches nothing
 * else. Created owner-only (0600), migrated at open with the bundle's own Flyway migrations
 * ({@code db/telemetry}), WAL mode; each PRAGMA set on every connection, each as its own statement.
 */
final class TelemetryDatabase {

    /** Where this bundle's migrations are, inside it. */
    static final String MIGRATIONS = "classpath:db/telemetry";

    /** File name in the data directory. */
    static final String FILE = "telemetry.db";

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path file;
    private final SQLiteDataSource dataSource;
    private final String schemaVersion;

    private TelemetryDatabase(Path file, SQLiteDataSource dataSource, String schemaVersion) {
        this.file = file;
        this.dataSource = dataSource;
        this.schemaVersion = schemaVersion;
    }

    /**
     * Creates, tightens and migrates the database.
     *
     * @param file the file
     * @param fullSync {@code synchronous=FULL} instead of {@code NORMAL}
     * @param reporter where to say what happens
     * @return the database
     */
    static TelemetryDatabase open(Path file, boolean fullSync, Reporter reporter) {
        OwnerOnlyFile.create(file, "telemetry database", reporter);
        SQLiteDataSource dataSource = dataSource(file, fullSync);
        String version = new SchemaMigrator(file, "telemetry database", dataSource, List.of(MIGRATIONS), reporter).migrate();
        TelemetryDatabase db = new TelemetryDatabase(file, dataSource, version);
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            String mode = rs.next() ? rs.getString(1) : "unknown";
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new IllegalStateException("the telemetry database " + file + " runs in journal mode " + mode
                        + ", not WAL: put the data folder on a local file system (OTTO_DATA_DIR or -Dotto.data)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the telemetry database " + file + ": " + e.getMessage(), e);
        }
        return db;
    }

    static SQLiteDataSource dataSource(Path file, boolean fullSync) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only an
        // OS crash or power loss can take back the last commits. FULL closes that window too.
        config.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        return dataSource;
    }

    Connection connect() throws SQLException {
        return dataSource.getConnection();
    }

    Path file() {
        return file;
    }

    String schemaVersion() {
        return schemaVersion;
    }
}
