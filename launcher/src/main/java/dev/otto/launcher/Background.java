package dev.otto.launcher;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.OttoPaths;

/**
 * The Otto that runs with a data folder, seen from {@code bin/otto}: attach to it ({@code run},
 * {@code console}), start one in the background, stop it, ask whether it is ready. Everything
 * goes through the console socket; nothing here boots Felix.
 */
final class Background {

    /** How long {@code start} waits for the new Otto's verdict (it waits for OpenCode up to a minute). */
    static final Duration START_WAIT = Duration.ofSeconds(150);
    /** How long {@code stop} waits: the scheduler's shutdown grace (30 s) and the framework's stop (30 s), with room. */
    static final Duration STOP_WAIT = Duration.ofSeconds(90);
    /** Where a background Otto's standard output and error go. */
    static final String OUTPUT_FILE = "otto.out";

    private final Path home;
    private final OttoPaths paths;
    private final PrintStream out;
    private final PrintStream err;

    Background(Path home, OttoPaths paths, PrintStream out, PrintStream err) {
        this.home = home;
        this.paths = paths;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the commands on the running Otto.
     *
     * @return the exit status, or {@code null} when no Otto runs and {@code attachOnly} is false:
     *         the caller boots one
     */
    Integer run(List<String> commands, boolean attachOnly) throws IOException {
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            if (client == null) {
                if (attachOnly) {
                    return notRunning();
                }
                return null;
            }
            return exitStatus(client.run(commands, out, err));
        }
    }

    /** The console of the running Otto, or {@code null} when none runs (the caller boots one). */
    Integer consoleIfRunning() throws IOException {
        return console(true);
    }

    /** {@code bin/otto console}: fails when no Otto runs, unless {@code orNull}. */
    Integer console(boolean orNull) throws IOException {
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            if (client == null) {
                return orNull ? null : notRunning();
            }
            if (orNull) {
                err.println("otto: an Otto is running with the data folder " + paths.dataDir()
                        + "; this console is attached to it ('exit' leaves it running, 'stop 0' stops it)");
            }
            return exitStatus(client.console(new FileInputStream(FileDescriptor.in), out, err));
        }
    }

    /** {@code bin/otto status}: 0 running and ready, 3 running but not ready, 1 not running. */
    int status() throws IOException {
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            if (client == null) {
                err.println("otto: not running (data folder " + paths.dataDir() + ")");
                return Launcher.COMMAND_FAILED;
            }
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            int status = client.run(List.of("otto:await --timeout 0 --settle 0"), text, text);
            String verdict = text.toString(StandardCharsets.UTF_8).strip().replaceFirst("^otto: 'otto:await[^']*' failed: ", "");
            if (status == ConsoleWire.OK) {
                out.println("otto: running and ready (data folder " + paths.dataDir() + "): " + verdict);
                return Launcher.OK;
            }
            if (status == ConsoleWire.REFUSED) {
                err.println(verdict);
                return Launcher.BOOT_FAILED;
            }
            out.println("otto: running but not ready (data folder " + paths.dataDir() + "): " + verdict);
            return Launcher.NOT_READY;
        }
    }

    /** {@code bin/otto stop}: asks the running Otto to stop and waits until its process has ended. */
    int stop() throws IOException {
        long pid;
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            if (client == null) {
                err.println("otto: not running (data folder " + paths.dataDir() + "); nothing to stop");
                return Launcher.OK;
            }
            pid = client.stop(err);
        }
        if (pid < 0) {
            return Launcher.BOOT_FAILED;
        }
        long start = System.nanoTime();
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        err.println("otto: stopping Otto (pid " + pid + "); runs in flight get the scheduler's shutdown grace");
        if (process.isPresent()) {
            try {
                process.get().onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("otto: Otto (pid " + pid + ") did not stop within " + STOP_WAIT.toSeconds()
                        + " s; see " + paths.logFile());
                return Launcher.COMMAND_FAILED;
            } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
                Thread.currentThread().interrupt();
                return Launcher.COMMAND_FAILED;
            }
        }
        err.println("otto: stopped (pid " + pid + ") in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        return Launcher.OK;
    }

    /**
     * {@code bin/otto start}: starts {@code bin/otto serve} in a session of its own, its output in
     * {@code <data>/logs/otto.out}, and waits for its verdict: ready (0), not ready (3, it keeps
     * running so that {@code bin/otto console} can look), or it ended (4, with its one line).
     */
    int start(boolean withOpenCode) throws IOException {
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            if (client != null) {
                out.println("otto: already running (data folder " + paths.dataDir() + ")");
                return Launcher.OK;
            }
        }
        Files.createDirectories(paths.logsDir());
        Files.setPosixFilePermissions(paths.dataDir(), PosixFilePermissions.fromString("rwx------"));
        Path output = paths.logsDir().resolve(OUTPUT_FILE);
        long from = Files.exists(output) ? Files.size(output) : 0;
        List<String> command = new ArrayList<>(List.of("setsid", home.resolve("bin/otto").toString()));
        if (withOpenCode) {
            command.add(Arguments.WITH_OPENCODE);
        }
        command.add("serve");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectErrorStream(true);
        builder.environment().put(OttoPaths.ENV_DATA_DIR, paths.dataDir().toString());
        builder.environment().put(OttoPaths.ENV_CONFIG, paths.configFile().toString());
        Process process = builder.start();
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            boolean alive = process.isAlive(); // before the read: a process that had ended has written all it will
            String verdict = firstOttoLine(output, from);
            if (verdict != null) {
                boolean ready = verdict.startsWith("otto: Ready");
                (ready ? out : err).println(verdict + (ready ? " (pid " + process.pid() + ", output in " + output + ")" : ""));
                if (ready) {
                    return Launcher.OK;
                }
                return process.isAlive() ? Launcher.NOT_READY : Launcher.BOOT_FAILED;
            }
            if (!alive) {
                err.println("otto: the background Otto ended at once (exit " + process.exitValue() + "); see " + output);
                return Launcher.BOOT_FAILED;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Launcher.BOOT_FAILED;
            }
        }
        err.println("otto: the background Otto (pid " + process.pid() + ") said nothing within " + START_WAIT.toSeconds()
                + " s; see " + output);
        return Launcher.NOT_READY;
    }

    /** The first whole line the new Otto wrote since {@code from} that starts with "otto: ", or null. */
    private static String firstOttoLine(Path output, long from) throws IOException {
        if (!Files.exists(output)) {
            return null;
        }
        byte[] all = Files.readAllBytes(output);
        String text = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
                StandardCharsets.UTF_8);
        String whole = text.substring(0, text.lastIndexOf('\n') + 1); // a line still being written waits
        return whole.lines().filter(line -> line.startsWith("otto: ")).findFirst().orElse(null);
    }

    private int notRunning() {
        err.println("otto: no Otto is running with the data folder " + paths.dataDir()
                + "; start one with 'bin/otto start' (or leave out --attach to boot one for these commands)");
        return Launcher.COMMAND_FAILED;
    }

    private static int exitStatus(int status) {
        return status == ConsoleWire.REFUSED ? Launcher.BOOT_FAILED : status;
    }
}
