package dev.otto.support.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Which file a path named when a database was opened: its device and inode ({@link
 * BasicFileAttributes#fileKey()}, links not followed). A file deleted, or replaced by another one
 * (a restored backup moved into place), under an open connection is told apart from the one
 * SQLite still writes to with one {@code stat}.
 */
public final class FileIdentity {

    private final Path file;
    private final Object key;

    private FileIdentity(Path file, Object key) {
        this.file = file;
        this.key = key;
    }

    /**
     * The identity of the file {@code file} names now.
     *
     * @throws IOException if it cannot be read (e.g. it does not exist)
     */
    public static FileIdentity of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        // a file system without inodes gives no key: the creation time and size stand in, weaker but not nothing
        Object key = attributes.fileKey() != null ? attributes.fileKey() : attributes.creationTime();
        return new FileIdentity(file, key);
    }

    public Path file() {
        return file;
    }

    /**
     * What became of the file since: null if the path still names it; otherwise a phrase such as
     * {@code was deleted} or {@code was replaced by another file}, to follow the file's name.
     * One {@code stat}; never throws.
     */
    public String change() {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return "was deleted";
        } catch (IOException | RuntimeException e) {
            return "cannot be checked (" + (e instanceof IOException io ? reason(io) : e.getMessage()) + ")";
        }
        if (!now.isRegularFile()) {
            return "was replaced by " + DatabaseFile.kind(now);
        }
        Object current = now.fileKey() != null ? now.fileKey() : now.creationTime();
        return Objects.equals(current, key) ? null : "was replaced by another file";
    }

    /**
     * Why a file operation failed, in the system's words and without a Java class name:
     * {@code permission denied}, {@code No space left on device}.
     */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? "an I/O error" : e.getMessage();
    }
}
