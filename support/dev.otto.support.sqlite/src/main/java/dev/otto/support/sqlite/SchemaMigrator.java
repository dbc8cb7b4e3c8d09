package dev.otto.support.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a bundle's SQLite database to the newest schema the bundle knows, with Flyway, or refuses
 * with one clear message and leaves the database as it was. Flyway looks for the migrations with
 * this class's loader: each bundle that uses it has its own private copy of this package (bnd
 * {@code -conditionalpackage}), so that is the bundle's own loader, which finds its own migrations.
 *
 * <p>Refused, before anything is written: a database newer than the code (it was written by a
 * newer Otto), an applied migration whose checksum differs from this bundle's copy (someone edited
 * a migration that had run), a migration recorded as failed or missing. Pending migrations run in
 * one transaction ({@code group}): SQLite's DDL is transactional, so a failing migration leaves
 * the schema exactly as it was.
 */
public final class SchemaMigrator {

    private final Path file;
    private final String label;
    private final DataSource dataSource;
    private final List<String> locations;
    private final Reporter reporter;

    /**
     * @param file the database file, for messages
     * @param label what the database is, for messages, e.g. {@code job database}
     * @param dataSource connections to it
     * @param locations Flyway locations of the migrations, e.g. {@code classpath:db/migration}
     * @param reporter where progress and problems are said
     */
    public SchemaMigrator(Path file, String label, DataSource dataSource, List<String> locations, Reporter reporter) {
        this.file = file;
        this.label = label;
        this.dataSource = dataSource;
        this.locations = List.copyOf(locations);
        this.reporter = reporter;
    }

    /**
     * Migrates, or refuses.
     *
     * @return the schema version now in force, e.g. {@code V2}
     * @throws SchemaException naming the problem and what to do; the database is unchanged
     */
    public String migrate() {
        FlywayLog.routeTo(reporter);
        Flyway flyway = Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(dataSource)
                .locations(locations.toArray(new String[0]))
                .loggers(FlywayLog.class.getName())
                .group(true)
                .cleanDisabled(true)
                .failOnMissingLocations(true)
                .load();
        MigrationInfoService info;
        try {
            info = flyway.info();
        } catch (FlywayException e) {
            throw new SchemaException("cannot read the schema history of " + file + ": " + rootMessage(e)
                    + "; if this file is not an Otto database, move it aside and start again", e);
        }
        MigrationInfo[] all = info.all();
        String known = knownVersion(all);
        String from = version(info.current());

        List<MigrationInfo> future = select(all, m -> m.getState() == MigrationState.FUTURE_SUCCESS
                || m.getState() == MigrationState.FUTURE_FAILED);
        if (!future.isEmpty()) {
            throw new SchemaException("the " + label + " " + file + " is at schema version " + from
                    + ", newer than this Otto knows (" + known + "): a newer Otto wrote it. Run that newer Otto, "
                    + "or restore a backup of the database taken at " + known + " or earlier; nothing was changed");
        }
        List<MigrationInfo> edited = select(all, m -> m.isVersioned() && m.isApplied() && m.getState().isResolved()
                && !m.isChecksumMatching());
        if (!edited.isEmpty()) {
            MigrationInfo first = edited.get(0);
            throw new SchemaException("migration " + describe(first) + " was edited after it ran on " + file
                    + " (checksum " + first.getAppliedChecksum() + " when applied, " + first.getResolvedChecksum()
                    + " in this build): put back the original migration and make the change in a new one, "
                    + "or run the Otto build that created this database; nothing was changed");
        }
        List<MigrationInfo> failed = select(all, m -> m.getState().isFailed());
        if (!failed.isEmpty()) {
            throw new SchemaException("migration " + describe(failed.get(0)) + " is recorded as failed in " + file
                    + ": restore a backup of the database taken before it ran; nothing was changed");
        }
        List<MigrationInfo> missing = select(all, m -> m.getState() == MigrationState.MISSING_SUCCESS);
        if (!missing.isEmpty()) {
            throw new SchemaException("migration " + describe(missing.get(0)) + " was applied to " + file
                    + " but is not in this build: run the Otto build that created this database; nothing was changed");
        }

        MigrationInfo[] pending = info.pending();
        if (pending.length == 0) {
            reporter.info(label + " " + file + " is at schema " + from + ", up to date");
            return from;
        }
        String to = version(pending[pending.length - 1]);
        reporter.info("migrating " + file + " from " + from + " to " + to + ": "
                + Arrays.stream(pending).map(SchemaMigrator::describe).collect(Collectors.joining(", ")));
        long start = System.nanoTime();
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            String now = currentVersionAfterFailure(flyway);
            throw new SchemaException("migrating " + file + " from " + from + " to " + to + " failed: "
                    + rootMessage(e) + "; " + (from.equals(now)
                            ? "the schema is still at " + from + ", unchanged"
                            : "the schema is now at " + now)
                    + ". Install an Otto build with a working migration, or restore a backup", e);
        }
        reporter.info("migrated " + file + " to " + to + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return to;
    }

    /** A migration refused or failed; the message says what was wrong and what to do. */
    public static final class SchemaException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        SchemaException(String message) {
            super(message);
        }

        SchemaException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private String currentVersionAfterFailure(Flyway flyway) {
        try {
            return version(flyway.info().current());
        } catch (FlywayException e) {
            return "unknown (" + rootMessage(e) + ")";
        }
    }

    private static String knownVersion(MigrationInfo[] all) {
        return Arrays.stream(all)
                .filter(m -> m.isVersioned() && m.getState().isResolved())
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder())
                .map(v -> "V" + v)
                .orElse("empty");
    }

    private static String version(MigrationInfo migration) {
        if (migration == null) {
            return "empty";
        }
        MigrationVersion version = migration.getVersion();
        return version == null ? "empty" : "V" + version;
    }

    private static String describe(MigrationInfo migration) {
        return version(migration) + " (" + migration.getDescription() + ")";
    }

    private static List<MigrationInfo> select(MigrationInfo[] all, java.util.function.Predicate<MigrationInfo> test) {
        return Arrays.stream(all).filter(test).collect(Collectors.toList());
    }

    /** The database's own words (e.g. SQLite's), one line, rather than Flyway's multi-line report. */
    public static String rootMessage(Throwable e) {
        Throwable sql = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                sql = t;
            }
        }
        String message = sql != null ? sql.getMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        String firstLine = message.strip().lines().findFirst().orElse("");
        return firstLine.isEmpty() ? e.getClass().getSimpleName() : firstLine;
    }
}
