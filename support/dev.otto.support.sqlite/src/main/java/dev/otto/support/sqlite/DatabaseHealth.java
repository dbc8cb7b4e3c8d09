package dev.otto.support.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Whether an open SQLite database is still what it should be: the same file it opened (not
 * deleted or replaced under the connection), and writable (the last write did not fail for want
 * of space or with an I/O error). What a bundle's {@code HealthCheck} reports, and what a write
 * checks before it commits, so that no write is acknowledged on a ghost.
 *
 * <p>Thread-safe; {@link #problem()} costs one {@code stat}.
 */
public final class DatabaseHealth {

    /** SQLite's primary result codes that mean the disk, not the statement: SQLITE_IOERR, SQLITE_FULL. */
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_FULL = 13;

    private final FileIdentity identity;
    private final String label;
    private final String ghostRemedy;
    /** Free space, beyond what there was when a write failed for want of it, that counts as room again. */
    static final long ROOM_AGAIN_BYTES = 1L << 20;

    private volatile String writeProblem;
    private volatile long usableAtFailure = -1; // -1: not a failure for want of space
    private volatile String rescuedTo;

    /**
     * @param identity the file as it was opened
     * @param label what the database is, e.g. {@code job database}
     * @param ghostRemedy what to do once it was deleted or replaced, e.g. {@code restart Otto}
     */
    public DatabaseHealth(FileIdentity identity, String label, String ghostRemedy) {
        this.identity = identity;
        this.label = label;
        this.ghostRemedy = ghostRemedy;
    }

    public Path file() {
        return identity.file();
    }

    /**
     * Null when all is well, else one line: what is wrong, the path, what to do. A write that
     * failed on a (nearly) full file system stops counting once it has {@link #ROOM_AGAIN_BYTES}
     * more free than then (one {@code statvfs}): a database nobody writes to would otherwise stay
     * "full" after the operator freed space; the next write that fails reports it again.
     */
    public String problem() {
        String ghost = ghostProblem();
        if (ghost != null) {
            return ghost;
        }
        String write = writeProblem;
        long before = usableAtFailure;
        if (write != null && before >= 0 && usable() >= before + ROOM_AGAIN_BYTES) {
            return null;
        }
        return write;
    }

    /** Null while the path names the file that was opened; else one line saying so and what to do. */
    public String ghostProblem() {
        String change = identity.change();
        if (change == null) {
            return null;
        }
        String rescued = rescuedTo;
        return "the " + label + " " + identity.file() + " " + change + " while Otto ran: no write is accepted since"
                + (rescued == null ? "" : "; what Otto held is saved in " + rescued) + "; " + ghostRemedy;
    }

    /**
     * Throws if the file was deleted or replaced: called in a write transaction before it commits.
     *
     * @param what the write, for the message, e.g. {@code creating a job}
     * @throws GhostException saying what happened and what to do
     */
    public void requireSameFile(String what) {
        String ghost = ghostProblem();
        if (ghost != null) {
            throw new GhostException(what + " refused: " + ghost);
        }
    }

    /** Records where a copy of the deleted file's content was saved, for the messages. */
    public void rescuedTo(Path copy) {
        rescuedTo = copy.toString();
    }

    /** A write committed: the disk takes writes again. */
    public void writeSucceeded() {
        writeProblem = null;
        usableAtFailure = -1;
    }

    /** A write failed; a full disk or an I/O error is kept as the problem until a write succeeds. */
    public void writeFailed(SQLException e) {
        if (isDiskFault(e)) {
            long usable = isFull(e) ? usable() : -1;
            // only a file system that really was (nearly) full; SQLITE_FULL from a page limit is not
            usableAtFailure = usable >= 0 && usable < ROOM_AGAIN_BYTES ? usable : -1;
            writeProblem = "cannot write to the " + label + " " + identity.file() + ": disk full? ("
                    + SchemaMigrator.rootMessage(e) + "); free space on its file system (df "
                    + identity.file().toAbsolutePath().getParent() + "), then it clears with the next write";
        }
    }

    private long usable() {
        try {
            return java.nio.file.Files.getFileStore(identity.file().toAbsolutePath().getParent()).getUsableSpace();
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean isFull(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ((sql.getErrorCode() & 0xff) == SQLITE_FULL
                    || String.valueOf(sql.getMessage()).contains("SQLITE_FULL"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether SQLite failed because of the disk (full, or an I/O error), not the statement. */
    public static boolean isDiskFault(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                int primary = sql.getErrorCode() & 0xff;
                String message = String.valueOf(sql.getMessage());
                if (primary == SQLITE_FULL || primary == SQLITE_IOERR || message.contains("SQLITE_FULL")
                        || message.contains("SQLITE_IOERR")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A write refused because the database file is not the one that was opened. */
    public static final class GhostException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        GhostException(String message) {
            super(message);
        }
    }
}
