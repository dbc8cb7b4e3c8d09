package dev.otto.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the config file only when it is what it should be: a regular file (or a symbolic link to
 * one). Everything else is one sentence to follow "path: ": what it is instead and what to do; only
 * a file that is not there at all (and no link pretending to be it) is {@link Missing}.
 *
 * <p>The type is checked before the file is opened: opening a named pipe blocks until someone
 * writes to it, which would hang the watcher (and {@code otto:config-check}) for ever. The check and
 * the open are two steps, so a file swapped for a pipe in between could still block; Java offers
 * no non-blocking open, and such a swap is not something an editor or a deploy tool does.
 *
 * <p>Bound: at most {@code maxBytes + 1} bytes are read, so the parser can reject a larger file
 * without it ever being held whole.
 */
final class ConfigFile {

    /** What reading the config file gave. */
    sealed interface Outcome permits Content, Missing, Unusable {
    }

    /** The file's bytes, at most {@code maxBytes + 1} of them. */
    record Content(byte[] bytes) implements Outcome {
    }

    /** No file and no link at the path (a missing folder on the way counts as missing too). */
    record Missing() implements Outcome {
    }

    /** Something is at the path but it cannot be read as the config; {@code reason} is one line, to follow "path: ". */
    record Unusable(String reason) implements Outcome {
    }

    /** Most links followed before a chain counts as a loop (Linux stops at 40). */
    private static final int MAX_LINKS = 40;

    private ConfigFile() {
    }

    /**
     * Reads {@code file}, checking its type first.
     *
     * @param file the config file
     * @param maxBytes the largest size the caller accepts; one byte more is read so it can tell
     * @return the content, missing, or unusable with the reason; never throws
     */
    static Outcome read(Path file, int maxBytes) {
        BasicFileAttributes link;
        try {
            link = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            return new Missing();
        } catch (IOException e) {
            return new Unusable(describe(e));
        }
        BasicFileAttributes target = link;
        if (link.isSymbolicLink()) {
            try {
                target = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException dangling) {
                return new Unusable("a symbolic link to " + linkTarget(file)
                        + ", which does not exist: fix the link, or remove it for the built-in defaults");
            } catch (IOException e) {
                return new Unusable(isLoop(file) ? loop() : describe(e));
            }
        }
        String notRegular = notRegular(file, target);
        if (notRegular != null) {
            return new Unusable(notRegular);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new Content(in.readNBytes(maxBytes + 1));
        } catch (NoSuchFileException goneSinceTheCheck) {
            return new Missing();
        } catch (IOException e) {
            return new Unusable(describe(e));
        }
    }

    /** Null for a regular file, else what it is instead and what to do (to follow the path). */
    private static String notRegular(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
            return null;
        }
        String what = attributes.isDirectory() ? "a directory, not a file" : "a " + kind(file) + ", not a regular file";
        return what + ": Otto reads the config only from a regular file; replace it with one, or point "
                + "OTTO_CONFIG at one";
    }

    /** A named pipe, socket or device, from the Unix file mode where the platform has one. */
    private static String kind(Path file) {
        try {
            int type = ((Integer) Files.getAttribute(file, "unix:mode")) & 0170000;
            return switch (type) {
                case 0010000 -> "named pipe (FIFO)";
                case 0140000 -> "socket";
                case 0020000 -> "character device";
                case 0060000 -> "block device";
                default -> "special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "special file";
        }
    }

    /**
     * One line for an I/O failure, to follow "path: ". Only a denied access says "check its permissions";
     * everything else names the system's reason.
     */
    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied; check its permissions and those of its folders "
                    + "(Otto runs as " + System.getProperty("user.name") + ")";
        }
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getClass().getSimpleName();
        if (reason.contains("symbolic links")) {
            return loop();
        }
        if (reason.contains("Not a directory")) {
            return "cannot be read: a folder on its path is a file (Not a directory); fix the path";
        }
        return "cannot be read (" + reason + "); fix or replace the file";
    }

    private static String loop() {
        return "a loop of symbolic links: fix the link (ls -l shows where it points), or remove it for the "
                + "built-in defaults";
    }

    /** True when following the links from {@code file} comes back to one already seen. */
    private static boolean isLoop(Path file) {
        Set<Path> seen = new HashSet<>();
        Path at = file.toAbsolutePath().normalize();
        try {
            for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(at); i++) {
                if (!seen.add(at)) {
                    return true;
                }
                at = at.resolveSibling(Files.readSymbolicLink(at)).normalize();
            }
            return Files.isSymbolicLink(at);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String linkTarget(Path file) {
        try {
            return Files.readSymbolicLink(file).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "a path";
        }
    }
}
