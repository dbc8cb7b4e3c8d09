package dev.otto.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A copy of the built distribution with a home and data folder of its own, and {@code bin/otto}
 * run against it as a child process, exactly as an operator or a script runs it.
 */
final class OttoProcess {

    /** What a finished {@code bin/otto} printed and returned. */
    record Outcome(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    final Path home;
    final Path root;
    final Path dataDir;
    private final Path userHome;

    private OttoProcess(Path root, Path dataDir, Path userHome) {
        this.root = root;
        this.home = root.resolve("otto");
        this.dataDir = dataDir;
        this.userHome = userHome;
    }

    /** A fresh copy of {@code distribution/target/otto}, so tests can add bundles without touching the build. */
    static OttoProcess freshCopy() {
        return freshCopy(OpenCodeServer.shared().url());
    }

    /**
     * A fresh copy whose config.jsonc points the catalog at {@code opencodeUrl}. The installed
     * OpenCode (hundreds of MB) is linked, not copied.
     */
    static OttoProcess freshCopy(java.net.URI opencodeUrl) {
        Path root = OttoContainer.workFolder("dist-");
        copyTree(OttoContainer.distribution(), root.resolve("otto"));
        root.resolve("otto/bin/otto").toFile().setExecutable(true);
        OttoProcess otto = new OttoProcess(root, root.resolve("data"), root.resolve("home"));
        try {
            Files.createDirectories(otto.configFile().getParent());
            Files.writeString(otto.configFile(), OttoContainer.configFor(opencodeUrl, ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return otto;
    }

    /** The config.jsonc bin/otto reads: the default place under this copy's HOME. */
    Path configFile() {
        return userHome.resolve(".config/otto/config.jsonc");
    }

    ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/otto").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("HOME", userHome.toString());
        env.put("OTTO_DATA_DIR", dataDir.toString());
        env.remove("OTTO_CONFIG");
        env.remove("JAVA_OPTS");
        return builder;
    }

    /** Runs {@code bin/otto args...} to completion (bounded) and returns what it printed. */
    Outcome run(String... args) {
        try {
            Path out = Files.createTempFile(root, "stdout", ".txt");
            Path err = Files.createTempFile(root, "stderr", ".txt");
            Process process = builder(args)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bin/otto " + List.of(args) + " did not finish within 120 s");
            }
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Cleans up after a test that started Otto in the background: {@code bin/otto stop}, then any
     * process still running from this copy (its command line names this home) is killed, so a
     * test that failed half-way never leaves an Otto behind that writes into the work folder.
     */
    void stopAll() {
        try {
            run("stop");
        } finally {
            String marker = "-Dotto.home=" + home;
            List<ProcessHandle> left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                    .toList();
            for (ProcessHandle p : left) {
                p.destroyForcibly();
            }
            for (ProcessHandle p : left) {
                p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> p).join();
            }
        }
    }

    /**
     * Collects everything a stream prints, on a thread of its own, for an interactive session. The
     * bytes are decoded as a whole, so a character split across two reads stays one character.
     */
    static final class Collector extends Thread {
        private final InputStream in;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        Collector(InputStream in) {
            super("otto-output");
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0;) {
                    synchronized (bytes) {
                        bytes.write(buffer, 0, n);
                    }
                }
            } catch (IOException closed) {
                // the process ended
            }
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        int length() {
            return text().length();
        }

        String since(int offset) {
            String text = text();
            return text.substring(Math.min(offset, text.length()));
        }
    }

    static void type(OutputStream stdin, String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        Path opencode = from.resolve("opencode");
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    Path target = to.resolve(from.relativize(dir).toString());
                    if (dir.equals(opencode)) {
                        Files.createSymbolicLink(target, opencode);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(target);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
