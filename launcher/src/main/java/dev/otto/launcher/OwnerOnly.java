package dev.otto.launcher;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The data folder and the framework storage are their owner's alone: folders {@code rwx------},
 * files {@code rw-------}. {@code bin/otto} sets the umask 077 so everything the JVM creates is born
 * so; this tightens what is already there (a data folder from an older Otto, a JVM started without
 * the script), so a 0644 copy of a configuration cannot outlive an upgrade.
 *
 * <p>Only permissions wider than the owner's are taken away; symbolic links are never followed.
 * In the data folder only what Otto keeps there is touched ({@link #OTTOS}): a data folder pointed
 * at a folder shared with other programs leaves their files as they are.
 */
final class OwnerOnly {

    /** The names Otto gives what it keeps directly in its data folder (databases and their side files, logs, caches). */
    static final java.util.regex.Pattern OTTOS = java.util.regex.Pattern.compile(
            "otto\\..*|telemetry(\\..*)?|logs|felix-cache|opencode|sop|console\\.history.*|model-catalog-cache\\.json.*");

    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {
    }

    /**
     * Creates {@code folder} (and its parents) owner-only if it is missing, then takes group and
     * other permissions from it and from what Otto keeps directly in it ({@link #OTTOS}).
     *
     * @return what could not be tightened, one line each; empty when all is owner-only
     */
    static List<String> folder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER));
        }
        List<String> failures = new ArrayList<>();
        tighten(folder, failures);
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(entry -> OTTOS.matcher(entry.getFileName().toString()).matches())
                    .forEach(entry -> tighten(entry, failures));
        }
        return failures;
    }

    /**
     * Like {@link #folder}, for everything under {@code root} (the framework storage: bundle copies,
     * Config Admin's files).
     */
    static List<String> tree(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(FOLDER));
        }
        List<String> failures = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                tighten(dir, failures);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                tighten(file, failures);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                failures.add(file + ": " + e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        return failures;
    }

    private static void tighten(Path path, List<String> failures) {
        try {
            if (Files.isSymbolicLink(path)) {
                return;
            }
            Set<PosixFilePermission> now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (now.stream().noneMatch(OTHERS::contains)) {
                return;
            }
            Set<PosixFilePermission> owner = EnumSet.copyOf(now);
            owner.removeAll(OTHERS);
            Files.setPosixFilePermissions(path, owner);
        } catch (IOException | UnsupportedOperationException e) {
            failures.add(path + ": " + e.getMessage());
        }
    }
}
