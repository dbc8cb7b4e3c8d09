package dev.otto.tools;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout this test runs in: the folder above the module with the reactor's {@code bnd/common.bnd}. */
final class Repository {

    private Repository() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("bnd/common.bnd")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no Otto checkout above " + Path.of("").toAbsolutePath());
    }
}
