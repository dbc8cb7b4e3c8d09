package dev.otto.logging;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An append-only text file that rolls over to {@code name.1 ... name.N} when it grows past a size.
 *
 * <p>Files are created owner-only (0600): log lines can name paths and hosts an operator may not
 * want to share. Callers synchronize; one instance owns the file.
 */
final class RotatingLogFile implements AutoCloseable {

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private Writer writer;
    private long size;

    RotatingLogFile(Path file, long maxBytes, int keep) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be at least 1024, was " + maxBytes);
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, was " + keep);
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    Path path() {
        return file;
    }

    /** Appends one entry and a line break, flushing so that a crash loses at most this line. */
    void append(String entry) throws IOException {
        byte[] bytes = (entry + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        if (writer != null && size > 0 && size + bytes.length > maxBytes) {
            rotate();
        }
        if (writer == null) {
            open();
        }
        writer.write(entry);
        writer.write(System.lineSeparator());
        writer.flush();
        size += bytes.length;
    }

    private void open() throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException alreadyThere) {
            // appending to the file of an earlier run
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        size = Files.size(file);
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private void rotate() throws IOException {
        close();
        Files.deleteIfExists(sibling(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(sibling(i))) {
                Files.move(sibling(i), sibling(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, sibling(1), StandardCopyOption.REPLACE_EXISTING);
    }

    private Path sibling(int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            try {
                writer.close();
            } finally {
                writer = null;
            }
        }
    }
}
