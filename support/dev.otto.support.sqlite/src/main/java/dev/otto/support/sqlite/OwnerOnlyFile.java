package dev.otto.support.sqlite;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** A SQLite database file that only its owner may read: created 0600 before SQLite opens it. */
public final class OwnerOnlyFile {

    /** rw-------. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFile() {
    }

    /**
     * Creates the file owner-only before SQLite does (SQLite gives {@code -wal} and {@code -shm} the
     * same mode), or tightens an existing one and its {@code -wal} and {@code -shm}.
     *
     * @param file the database file
     * @param label what the database is, for messages, e.g. {@code job database}
     * @param reporter where the creation or a tightening is said
     * @throws IllegalStateException saying what to do if the folder is not writable or not POSIX
     */
    public static void create(Path file, String label, Reporter reporter) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                reporter.info("created the " + label + " " + file);
            } catch (FileAlreadyExistsException exists) {
                for (Path f : List.of(file, Path.of(file + "-wal"), Path.of(file + "-shm"))) {
                    if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(OWNER_ONLY)) {
                        Files.setPosixFilePermissions(f, OWNER_ONLY);
                        reporter.warn("tightened the permissions of " + f + " to 0600 (owner only)");
                    }
                }
            }
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("the data folder's file system has no POSIX permissions, so " + file
                    + " cannot be made owner-only: put the data folder on a POSIX file system", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the " + label + " " + file + ": " + e
                    + "; check that the data folder (OTTO_DATA_DIR or -Dotto.data) is writable", e);
        }
    }
}
