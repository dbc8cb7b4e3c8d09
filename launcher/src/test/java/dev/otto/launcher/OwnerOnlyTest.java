package dev.otto.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyTest {

    @TempDir
    Path folder;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aWorldReadableStorageTreeBecomesOwnerOnlyWithoutFollowingLinks() throws Exception {
        Path storage = folder.resolve("felix-cache");
        Path config = storage.resolve("bundle3/data/config/dev/otto/watchdog.config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "prompt=\"a secret\"");
        Path script = storage.resolve("bundle3/run.sh");
        Files.writeString(script, "#!/bin/sh");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outside = Files.writeString(folder.resolve("outside.txt"), "not Otto's");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(storage.resolve("link"), outside);
        for (Path p = config; !p.equals(folder); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }

        assertThat(OwnerOnly.tree(storage)).isEmpty();

        assertThat(mode(config)).isEqualTo("rw-------");
        assertThat(mode(config.getParent())).isEqualTo("rwx------");
        assertThat(mode(storage)).isEqualTo("rwx------");
        assertThat(mode(script)).isEqualTo("rwx------");
        assertThat(mode(outside)).as("a link is not followed out of the tree").isEqualTo("rw-r--r--");
    }

    @Test
    void aMissingFolderIsCreatedOwnerOnlyAndAnOldOnesDirectEntriesAreTightened() throws Exception {
        assertThat(OwnerOnly.folder(folder.resolve("new/data"))).isEmpty();
        assertThat(mode(folder.resolve("new/data"))).isEqualTo("rwx------");

        Path data = Files.createDirectories(folder.resolve("old"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lock = Files.writeString(data.resolve("otto.lock"), "");
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));
        Path logs = Files.createDirectories(data.resolve("logs"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path notOttos = Files.writeString(data.resolve("notes.txt"), "");
        Files.setPosixFilePermissions(notOttos, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(OwnerOnly.folder(data)).isEmpty();

        assertThat(mode(notOttos)).as("a file Otto did not make is left as it is").isEqualTo("rw-r--r--");
        assertThat(mode(data)).isEqualTo("rwx------");
        assertThat(mode(lock)).isEqualTo("rw-------");
        assertThat(mode(logs)).isEqualTo("rwx------");
    }
}
