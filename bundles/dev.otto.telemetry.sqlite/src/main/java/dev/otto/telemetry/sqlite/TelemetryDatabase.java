package dev.otto.telemetry.sqlite;

import dev.otto.support.sqlite.DatabaseFile;
import dev.otto.support.sqlite.DatabaseHealth;
import dev.otto.support.sqlite.FileIdentity;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.sqlite.SchemaMigrator;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
 *
 * <p>Checked before it opens like the job database ({@link DatabaseFile#prepare}: an empty, foreign,
 * corrupt or vanished file is refused with one line saying what to do, never replaced). While open,
 * {@link #problem()} reports the file deleted or replaced under Otto (device and inode against the
 * file opened) or the last write failing for want of space. Every connection handed out refuses a
 * {@code COMMIT} on a deleted or replaced file, and a new connection is refused then too (SQLite
 * would otherwise create a new empty file at the path), so no batch is counted written on a ghost.
 */
final class TelemetryDatabase {

    /** Where this bundle's migrations are, inside it. */
    static final String MIGRATIONS = "classpath:db/telemetry";

    /** File name in the data directory. */
    static final String FILE = "telemetry.db";

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    /** What the database is called in messages and in {@code otto:status}. */
    static final String LABEL = "telemetry database";

    private final Path file;
    private final SQLiteDataSource dataSource;
    private final String schemaVersion;
    private volatile DatabaseHealth health; // null until open() checked the journal mode

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
        DatabaseFile.prepare(file, LABEL, f -> dataSource(f, fullSync), reporter);
        SQLiteDataSource dataSource = dataSource(file, fullSync);
        String version = new SchemaMigrator(file, LABEL, dataSource, List.of(MIGRATIONS), reporter).migrate();
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
        try {
            db.health = new DatabaseHealth(FileIdentity.of(file), LABEL, "restart Otto (bin/otto stop, then start): it"
                    + " opens the file now at that path, or says what to do if there is none; records meanwhile are"
                    + " dropped and counted");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the telemetry database " + file + " after opening it: "
                    + FileIdentity.reason(e), e);
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

    /**
     * A new connection; refused while the file is deleted or replaced. Its {@code COMMIT}s check
     * the file first, and its failures for want of space are kept for {@link #problem()}.
     */
    Connection connect() throws SQLException {
        DatabaseHealth current = health;
        if (current == null) {
            return dataSource.getConnection(); // open() itself, before the identity is known
        }
        requireSameFile(current, "opening a connection");
        Connection connection = dataSource.getConnection();
        return (Connection) guard(connection, Connection.class, current);
    }

    /** Null when all is well; else one line (what is wrong, the path, what to do) for the bundle's health check. */
    String problem() {
        DatabaseHealth current = health;
        return current == null ? null : current.problem();
    }

    private static void requireSameFile(DatabaseHealth health, String what) throws SQLException {
        try {
            health.requireSameFile(what);
        } catch (DatabaseHealth.GhostException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * {@code target} behind a proxy of {@code type} that checks the file before a {@code COMMIT},
     * keeps disk faults for the health check, and guards the statements it creates the same way.
     */
    private static Object guard(Object target, Class<?> type, DatabaseHealth health) {
        InvocationHandler handler = (proxy, method, args) -> {
            boolean commit = isCommit(method, args);
            if (commit) {
                requireSameFile(health, "committing to the telemetry database");
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException sql) {
                    health.writeFailed(sql);
                }
                throw e.getCause();
            }
            if (commit) {
                health.writeSucceeded();
            }
            Class<?> returned = method.getReturnType();
            if (result != null && returned.isInterface() && Statement.class.isAssignableFrom(returned)) {
                return guard(result, returned, health);
            }
            return result;
        };
        return Proxy.newProxyInstance(TelemetryDatabase.class.getClassLoader(), new Class<?>[] { type }, handler);
    }

    private static boolean isCommit(Method method, Object[] args) {
        if (method.getName().equals("commit") && method.getParameterCount() == 0) {
            return true;
        }
        return method.getName().startsWith("execute") && args != null && args.length >= 1 && args[0] instanceof String sql
                && sql.strip().toUpperCase(java.util.Locale.ROOT).startsWith("COMMIT");
    }

    Path file() {
        return file;
    }

    String schemaVersion() {
        return schemaVersion;
    }
}
