package dev.otto.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code PATH} built by a test: a folder with symlinks to the real programs of this machine, and
 * only those. The real programs are found on the machine's own {@code PATH}; Python through the
 * interpreter itself, since {@code python3} on {@code PATH} may be a wrapper (pyenv shim) that
 * needs {@code bash} and more on its {@code PATH}.
 */
final class TestBin {

    final Path dir;

    TestBin(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /**
     * The machine's real program, or empty if this machine has none. {@code rg} may also be the
     * copy the build fetched ({@code src/test/provision-ripgrep.sh}, system property
     * {@code otto.test.ripgrep}).
     */
    static Optional<Path> real(String name) {
        if (name.equals("python3")) {
            return realPython3();
        }
        Optional<Path> onPath = new PathLookup(System.getenv("PATH")).find(name).map(TestBin::realPath);
        if (onPath.isEmpty() && name.equals("rg")) {
            return Optional.ofNullable(System.getProperty("otto.test.ripgrep")).map(Path::of).filter(Files::isExecutable);
        }
        return onPath;
    }

    private static Optional<Path> realPython3() {
        Optional<Path> onPath = new PathLookup(System.getenv("PATH")).find("python3");
        if (onPath.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(onPath.get().toString(), "-c",
                    "import os, sys; print(os.path.realpath(sys.executable))").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(Path.of(out.lines().reduce((a, b) -> b).orElse("")));
        } catch (IOException | InterruptedException e) {
            return Optional.empty();
        }
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /** Links the machine's program under the same name; fails the test if the machine lacks it. */
    TestBin link(String name) throws IOException {
        return link(name, name);
    }

    /** Links the machine's program {@code realName} as {@code name}. */
    TestBin link(String name, String realName) throws IOException {
        Path target = real(realName).orElseThrow(() -> new IllegalStateException(
                "this machine has no " + realName + " on PATH; the test needs it"));
        Files.createSymbolicLink(dir.resolve(name), target);
        return this;
    }

    TestBin links(List<String> names) throws IOException {
        for (String name : names) {
            link(name);
        }
        return this;
    }

    /** A shell script named {@code name}: {@code #!/bin/sh} is absolute, so it runs without PATH. */
    TestBin script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** Removes the links below a folder, so that the temp folder cleanup does not warn about each one. */
    static void unlinkAll(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
            for (Path link : walk.filter(Files::isSymbolicLink).toList()) {
                Files.delete(link);
            }
        }
    }

    String path() {
        return dir.toString();
    }
}
