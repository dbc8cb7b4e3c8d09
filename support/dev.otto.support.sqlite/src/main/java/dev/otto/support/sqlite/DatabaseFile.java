package dev.otto.support.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

/**
 * A SQLite database file checked before it is opened, so that a bundle never works on something
 * that is not its database: refused, with one line saying what is wrong, the path and what to do,
 * and never overwritten or deleted, are a file that is empty (0 bytes), that is not a regular file
 * (a directory, a symbolic link, a device), that is not a SQLite database, that fails SQLite's
 * {@code PRAGMA quick_check}, and a missing file where this data folder had one.
 *
 * <p>How "had one" is known: when a database is created, a marker {@code <file>.marker} is written
 * beside it (owner-only, a few lines of text that say what it is for). A missing database and no
 * marker is a fresh install: a new database is made under {@code <file>.new} and moved into place
 * only once SQLite wrote its header, so Otto itself never leaves an empty file behind. A missing
 * database beside its marker vanished: the operator restores it or deletes the marker to start anew.
 */
public final class DatabaseFile {

    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private DatabaseFile() {
    }

    /** The marker beside {@code file} that says a database was created here. */
    public static Path marker(Path file) {
        return file.resolveSibling(file.getFileName() + ".marker");
    }

    /**
     * Checks the file, or creates it on a fresh install; afterwards {@code file} is a regular,
     * owner-only, non-empty SQLite file that passed {@code quick_check}, with its marker beside it.
     *
     * @param file the database file
     * @param label what it is, for messages, e.g. {@code job database}
     * @param dataSources connections to a file with the bundle's settings (WAL and the rest)
     * @param reporter where a creation, a tightening or a new marker is said
     * @return whether it was created now
     * @throws IllegalStateException saying what is wrong, the path, and what to do; nothing was changed
     */
    public static boolean prepare(Path file, String label, Function<Path, DataSource> dataSources, Reporter reporter) {
        Path marker = marker(file);
        BasicFileAttributes attributes;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            if (Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalStateException("the " + label + " " + file + " is missing, but this data folder had one"
                        + " (" + marker + " records that Otto created it): restore it from a backup" + rescueHint(file)
                        + ", or delete " + marker + " to start with a new, empty database" + orphanHint(file));
            }
            create(file, label, dataSources, reporter);
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the " + label + " " + file + ": " + FileIdentity.reason(e)
                    + "; check that the data folder (OTTO_DATA_DIR or -Dotto.data) is readable", e);
        }
        if (attributes.isSymbolicLink()) {
            throw new IllegalStateException("the " + label + " " + file + " is a symbolic link: Otto opens only a file"
                    + " of its own there, so that nothing can be swapped in under it; put the database itself at that"
                    + " path, or point the data folder (OTTO_DATA_DIR or -Dotto.data) at the folder it is in");
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalStateException("the " + label + " " + file + " is " + kind(attributes) + ", not a regular"
                    + " file: Otto opens only a database file of its own there; move it aside and restore the database"
                    + " from a backup" + startNew(file, marker, "aside"));
        }
        if (attributes.size() == 0) {
            throw new IllegalStateException("the " + label + " " + file + " is empty (0 bytes): it holds nothing, and"
                    + " Otto never leaves its database so (it was truncated or made by hand); restore it from a backup"
                    + startNew(file, marker, "empty"));
        }
        OwnerOnlyFile.create(file, label, reporter); // tightens a loose mode, with a warning
        quickCheck(file, label, dataSources.apply(file), marker);
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            writeMarker(file, label, marker);
            reporter.info("recorded in " + marker + " that " + file + " exists, so its loss is noticed at start");
        }
        return false;
    }

    /** What a non-regular file is, for messages: {@code a directory}, {@code a symbolic link}. */
    static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a special file (device, pipe or socket)";
    }

    /**
     * Saves a consistent copy of what {@code connection} reads to a new file beside {@code file}
     * ({@code <file>.rescued-<UTC time>}, owner-only), e.g. once the file was deleted under it.
     *
     * @return the copy
     * @throws SQLException if SQLite cannot write it (e.g. the disk is full)
     */
    public static Path rescue(Connection connection, Path file) throws SQLException {
        String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        Path copy = file.resolveSibling(file.getFileName() + ".rescued-" + stamp);
        for (int n = 2; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); n++) {
            copy = file.resolveSibling(file.getFileName() + ".rescued-" + stamp + "-" + n);
        }
        try {
            Files.createFile(copy, PosixFilePermissions.asFileAttribute(OwnerOnlyFile.OWNER_ONLY));
        } catch (IOException | UnsupportedOperationException e) {
            throw new SQLException("cannot create " + copy + ": " + e.getMessage(), e);
        }
        try (Statement statement = connection.createStatement()) {
            // VACUUM INTO needs an empty or absent target: the owner-only empty file is accepted
            statement.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            try {
                Files.deleteIfExists(copy); // Otto's own half-written copy
            } catch (IOException ignored) {
                // left behind, named as a rescue attempt
            }
            throw e;
        }
        return copy;
    }

    private static String rescueHint(Path file) {
        List<Path> copies = new ArrayList<>();
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            siblings.filter(f -> f.getFileName().toString().startsWith(file.getFileName() + ".rescued-"))
                    .sorted().forEach(copies::add);
        } catch (IOException | RuntimeException e) {
            return "";
        }
        return copies.isEmpty() ? "" : " (the newest copy Otto saved when it was deleted is "
                + copies.get(copies.size() - 1) + ": move it to " + file + ")";
    }

    /**
     * SQLite's {@code -wal} and {@code -shm} beside a missing file belong to that file: SQLite
     * would apply them to whatever file is put there next (a backup, a rescued copy) and corrupt it.
     */
    private static String orphanHint(Path file) {
        List<String> orphans = new ArrayList<>();
        for (String suffix : List.of("-wal", "-shm")) {
            if (Files.exists(Path.of(file + suffix), LinkOption.NOFOLLOW_LINKS)) {
                orphans.add(file + suffix);
            }
        }
        return orphans.isEmpty() ? "" : "; first move aside " + String.join(" and ", orphans)
                + ": they belong to the missing file, and SQLite would apply them to the file you put there";
    }

    /**
     * The {@code -wal} and {@code -shm} files of an open database, as they were when it opened, so
     * that a database deleted or replaced under Otto does not leave them to a file put there later.
     */
    public static final class SideFiles {
        private final List<FileIdentity> files = new ArrayList<>();

        /** Records the side files of {@code file} that exist now. */
        public SideFiles(Path file) {
            for (String suffix : List.of("-wal", "-shm")) {
                try {
                    files.add(FileIdentity.of(Path.of(file + suffix)));
                } catch (IOException absent) {
                    // none yet: nothing to clean up later
                }
            }
        }

        /**
         * Deletes the recorded side files that are still the same files: to be called once the
         * connection to a deleted or replaced database is closed (SQLite then neither checkpoints
         * nor deletes its WAL, which would be applied to the next file at the path).
         *
         * @return the files deleted
         */
        public List<Path> removeStale() {
            List<Path> removed = new ArrayList<>();
            for (FileIdentity side : files) {
                if (side.change() == null) {
                    try {
                        Files.delete(side.file());
                        removed.add(side.file());
                    } catch (IOException e) {
                        // gone meanwhile, or not ours to delete: left as it is
                    }
                }
            }
            return removed;
        }
    }

    private static String startNew(Path file, Path marker, String suffix) {
        return ", or move it aside (mv " + file + " " + file + "." + suffix + ")"
                + (Files.exists(marker, LinkOption.NOFOLLOW_LINKS) ? " and delete " + marker : "")
                + " to start with a new, empty database";
    }

    private static void quickCheck(Path file, String label, DataSource dataSource, Path marker) {
        List<String> problems = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equalsIgnoreCase(line)) {
                    problems.add(line);
                }
            }
        } catch (SQLException e) {
            int code = e.getErrorCode() & 0xff;
            String message = SchemaMigrator.rootMessage(e);
            if (code == SQLITE_NOTADB || message.contains("SQLITE_NOTADB")) {
                throw new IllegalStateException("the " + label + " " + file + " is not a SQLite database (" + message
                        + "): if it is not an Otto database, move it aside and restore the database from a backup"
                        + startNew(file, marker, "foreign"), e);
            }
            if (code != SQLITE_CORRUPT && !message.contains("SQLITE_CORRUPT")) {
                throw new IllegalStateException("cannot check the " + label + " " + file + ": " + message
                        + "; check that the data folder (OTTO_DATA_DIR or -Dotto.data) is readable and writable", e);
            }
            problems.add(message);
        }
        if (!problems.isEmpty()) {
            String first = problems.get(0).strip().lines().findFirst().orElse("");
            throw new IllegalStateException("the " + label + " " + file + " is corrupt (quick_check: " + first
                    + (problems.size() > 1 ? ", and " + (problems.size() - 1) + " more" : "") + "): Otto does not open it;"
                    + " stop Otto and restore it from a backup (sqlite3 " + file + " .recover saves what is readable)"
                    + startNew(file, marker, "corrupt"));
        }
    }

    private static void create(Path file, String label, Function<Path, DataSource> dataSources, Reporter reporter) {
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        try {
            for (Path f : List.of(fresh, Path.of(fresh + "-wal"), Path.of(fresh + "-shm"))) {
                Files.deleteIfExists(f); // Otto's own database that a crash left half-made
            }
            Files.createFile(fresh, PosixFilePermissions.asFileAttribute(OwnerOnlyFile.OWNER_ONLY));
            try (Connection c = dataSources.apply(fresh).getConnection(); Statement s = c.createStatement()) {
                // the header: the journal mode of the settings is written with it
                s.execute("PRAGMA user_version = 0");
                s.execute("CREATE TABLE otto_created (x)");
                s.execute("DROP TABLE otto_created");
            } // the last connection closed: the WAL is checkpointed into the file and removed
            try (FileChannel channel = FileChannel.open(fresh, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
            syncFolder(file);
            writeMarker(file, label, marker(file));
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the data folder's file system has no POSIX permissions, so " + file
                    + " cannot be made owner-only: put the data folder on a POSIX file system", e);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot create the " + label + " " + file + ": " + e.getMessage()
                    + "; check that the data folder (OTTO_DATA_DIR or -Dotto.data) is writable and has free space", e);
        }
        reporter.info("created the " + label + " " + file);
    }

    private static void writeMarker(Path file, String label, Path marker) {
        String text = "Otto's " + label + " " + file.getFileName() + " was created in this folder (" + Instant.now()
                + " or earlier).\nWhile this file exists, Otto refuses to start without " + file.getFileName()
                + " instead of silently creating an empty one.\nTo start with a new, empty database on purpose,"
                + " move " + file.getFileName() + " aside and delete this file.\n";
        try {
            Path tmp = marker.resolveSibling(marker.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OwnerOnlyFile.OWNER_ONLY));
            Files.writeString(tmp, text);
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncFolder(marker);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot write " + marker + ": " + e.getMessage()
                    + "; check that the data folder (OTTO_DATA_DIR or -Dotto.data) is writable and has free space", e);
        }
    }

    private static void syncFolder(Path file) {
        try (FileChannel folder = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a folder; the rename itself is atomic
        }
    }
}
