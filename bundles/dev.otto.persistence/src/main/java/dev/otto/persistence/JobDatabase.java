package dev.otto.persistence;

import dev.otto.support.sqlite.DatabaseFile;
import dev.otto.support.sqlite.DatabaseHealth;
import dev.otto.support.sqlite.FileIdentity;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.sqlite.SchemaMigrator;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite file {@code otto.db}: created owner-only (0600), migrated at open, then used through
 * one connection that this class serialises.
 *
 * <p>Every connection (Flyway's and this class's) runs in WAL mode with {@code synchronous=FULL},
 * so a commit that returned survives a crash or power loss; with {@code busy_timeout}, so another
 * connection's lock is waited for rather than reported; and with {@code foreign_keys} on. Writes
 * run in {@code BEGIN IMMEDIATE} transactions: the write lock is taken up front, with the busy
 * wait, instead of being upgraded mid-transaction, where SQLite would fail with SQLITE_BUSY
 * at once to avoid a deadlock.
 *
 * <p>Before it opens, the file is checked ({@link DatabaseFile#prepare}: an empty, foreign, corrupt
 * or vanished file is refused, never replaced). While open, {@link #health()} compares the path
 * with the file that was opened (device and inode) and remembers a write that failed for want of
 * space; every write checks the identity before it begins and again before it commits, so no write
 * is acknowledged on a deleted or replaced file. The first write refused on a deleted file, or the
 * close, saves what the connection still reads to {@code otto.db.rescued-<time>}.
 */
final class JobDatabase implements AutoCloseable {

    /** Where this bundle's migrations are, inside it. */
    static final String MIGRATIONS = "classpath:db/migration";

    /** How long a write waits for another connection's lock before it fails. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    /** One unit of work on the connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** What the database is called in messages. */
    static final String LABEL = "job database";

    private final Path file;
    private final String schemaVersion;
    private final DatabaseHealth health;
    private final DatabaseFile.SideFiles sideFiles;
    private final Reporter reporter;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // guarded by lock; null once closed
    private boolean rescued; // guarded by lock

    private JobDatabase(Path file, String schemaVersion, Connection connection, DatabaseHealth health, Reporter reporter) {
        this.sideFiles = new DatabaseFile.SideFiles(file);
        this.file = file;
        this.schemaVersion = schemaVersion;
        this.connection = connection;
        this.health = health;
        this.reporter = reporter;
    }

    /**
     * Opens the database, creating it if needed, and migrates it to the newest schema.
     *
     * @param file the database file
     * @param migrationLocations Flyway locations of the migrations
     * @param reporter where to say what happens
     * @return the open database
     * @throws IllegalStateException with a message saying what was wrong and what to do
     */
    static JobDatabase open(Path file, List<String> migrationLocations, Reporter reporter) {
        DatabaseFile.prepare(file, LABEL, JobDatabase::dataSource, reporter);
        SQLiteDataSource dataSource = dataSource(file);
        String version = new SchemaMigrator(file, LABEL, dataSource, migrationLocations, reporter).migrate();
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the job database " + file + ": " + e.getMessage(), e);
        }
        FileIdentity identity;
        try {
            requireWal(connection, file);
            identity = FileIdentity.of(file);
        } catch (IOException e) {
            closeQuietly(connection);
            throw new IllegalStateException("cannot read the job database " + file + " after opening it: "
                    + FileIdentity.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        DatabaseHealth health = new DatabaseHealth(identity, LABEL, "restart Otto (bin/otto stop, then start): it"
                + " opens the file now at that path, or says what to do if there is none");
        return new JobDatabase(file, version, connection, health, reporter);
    }

    /** Opens with the migrations shipped in this bundle. */
    static JobDatabase open(Path file, Reporter reporter) {
        return open(file, List.of(MIGRATIONS), reporter);
    }

    /**
     * The settings every connection gets, each PRAGMA run as a statement of its own when the
     * connection opens (a single init string would run only its first statement).
     */
    static SQLiteDataSource dataSource(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        // what JDBC's setAutoCommit(false) begins, for Flyway's transactions
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file);
        return dataSource;
    }

    Path file() {
        return file;
    }

    /** Whether the file is still the one opened, and writable; for the bundle's health check. */
    DatabaseHealth health() {
        return health;
    }

    /** The schema version in force, e.g. {@code V2}. */
    String schemaVersion() {
        return schemaVersion;
    }

    /**
     * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction and commits; rolls back if it
     * throws. A returned commit is durable.
     */
    <T> T write(String what, Work<T> work) {
        lock.lock();
        try {
            Connection c = open();
            requireSameFile(what, c);
            execute(c, "BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.run(c);
                health.requireSameFile(what); // the file may have gone while the work ran
                execute(c, "COMMIT");
                committed = true;
                health.writeSucceeded();
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(c);
                }
            }
        } catch (SQLException e) {
            health.writeFailed(e);
            throw failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work}, which reads only; one statement sees one consistent snapshot. */
    <T> T read(String what, Work<T> work) {
        lock.lock();
        try {
            return work.run(open());
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the connection (saving a rescue copy first if the file was deleted); later calls fail saying so. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                boolean ghost = health.ghostProblem() != null;
                if (ghost) {
                    rescueOnce(connection);
                }
                closeQuietly(connection);
                connection = null;
                if (ghost) {
                    // SQLite keeps the WAL of a moved file: left there, it would be applied to the next file at the path
                    List<Path> removed = sideFiles.removeStale();
                    if (!removed.isEmpty()) {
                        reporter.warn("removed " + removed + ", the SQLite side files of the deleted or replaced " + file);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses a write on a deleted or replaced file; the first refusal on a deleted one saves a rescue copy. */
    private void requireSameFile(String what, Connection c) {
        if (health.ghostProblem() != null) {
            rescueOnce(c);
            health.requireSameFile(what);
        }
    }

    /** Once: what the connection still reads of a deleted file, to {@code otto.db.rescued-<time>}. Guarded by lock. */
    private void rescueOnce(Connection c) {
        if (rescued || java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return; // replaced, not deleted: the file at the path is the operator's
        }
        rescued = true;
        try {
            Path copy = DatabaseFile.rescue(c, file);
            health.rescuedTo(copy);
            reporter.error("the job database " + file + " was deleted while Otto ran: what Otto held is saved in " + copy
                    + "; stop Otto and move it to " + file + " (or restore a backup)");
        } catch (SQLException e) {
            reporter.error("the job database " + file + " was deleted while Otto ran, and what Otto held could not be"
                    + " saved (" + SchemaMigrator.rootMessage(e) + "): restore it from a backup");
        }
    }

    private Connection open() {
        if (connection == null) {
            throw new IllegalStateException("the job database " + file + " is closed: the persistence bundle "
                    + "(dev.otto.persistence) is stopping or stopped; start it again");
        }
        return connection;
    }

    private IllegalStateException failure(String what, SQLException e) {
        // SQLite's messages name constraints and columns, never bound values (prompts stay out)
        return new IllegalStateException(what + " failed in " + file + ": " + e.getMessage(), e);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException alreadyRolledBack) {
            // SQLite ends the transaction itself on some errors; nothing is left to undo
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // closing a SQLite connection fails only when statements are still open: none are
        }
    }

    private static void requireWal(Connection c, Path file) {
        try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
            String mode = rs.next() ? rs.getString(1) : "unknown";
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new IllegalStateException("the job database " + file + " runs in journal mode " + mode
                        + ", not WAL: its file system does not support WAL (shared memory); put the data folder "
                        + "on a local file system (OTTO_DATA_DIR or -Dotto.data)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the journal mode of " + file + ": " + e.getMessage(), e);
        }
    }
}
