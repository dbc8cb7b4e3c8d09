package dev.otto.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.otto.api.catalog.CatalogSnapshot;

/**
 * The catalog cache file. A write goes to a temporary file in the same folder, is fsynced, and
 * renamed over the old file (then the folder is fsynced), so a crash at any moment leaves either
 * the old or the new catalog, never a torn one. Files are owner-only (0600).
 */
final class CacheFile {

    /** What happened when the cache was loaded, for one clear log line. */
    record Loaded(Optional<CatalogSnapshot> snapshot, Path movedAside, String problem, List<Path> strayTemps) {
    }

    private static final String TEMP_MARK = ".tmp-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path file;

    CacheFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * Removes temporary files a crash left behind, then reads the cache. A corrupt cache is moved
     * aside ({@code *.corrupt-<timestamp>}) and never trusted.
     */
    Loaded load(Instant now) throws IOException {
        List<Path> strays = removeStrayTemps();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException none) {
            return new Loaded(Optional.empty(), null, null, strays);
        }
        try {
            return new Loaded(Optional.of(CatalogCache.decode(bytes)), null, null, strays);
        } catch (CorruptCacheException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(now));
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return new Loaded(Optional.empty(), aside, e.getMessage(), strays);
        }
    }

    /** Replaces the cache with {@code snapshot}, atomically and durably. */
    void write(CatalogSnapshot snapshot) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + TEMP_MARK + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            try (FileChannel channel = FileChannel.open(temp, List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    .stream().collect(java.util.stream.Collectors.toSet()), ownerOnly())) {
                ByteBuffer buffer = ByteBuffer.wrap(CatalogCache.encode(snapshot));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + file.getParent() + " cannot rename atomically; "
                        + "put the data folder (OTTO_DATA_DIR) on a local file system", e);
            }
            syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private List<Path> removeStrayTemps() throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(file.getParent())) {
            return removed;
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(file.getParent(), file.getFileName() + TEMP_MARK + "*")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
                removed.add(temp);
            }
        }
        return removed;
    }

    private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly() {
        try {
            return new java.nio.file.attribute.FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };
        } catch (UnsupportedOperationException notPosix) {
            return new java.nio.file.attribute.FileAttribute<?>[0];
        }
    }

    /** Makes the rename itself durable: without it a power loss can bring back the old name. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // some platforms cannot open a folder; the rename is still atomic there
        }
    }
}
