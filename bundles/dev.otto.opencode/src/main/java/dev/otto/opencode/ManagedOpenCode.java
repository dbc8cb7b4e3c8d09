package dev.otto.opencode;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.otto.api.opencode.OpenCodeException;

/**
 * The OpenCode server Otto starts itself ({@code bin/otto --with-opencode}) on a machine that has
 * none: the pinned build installed into the distribution, on a free loopback port, with its state
 * (its {@code HOME}: config, sessions, auth) in Otto's data folder, its output appended to
 * {@code <data>/logs/opencode.log}, stdin from {@code /dev/null}, and stopped with Otto.
 *
 * <p>It runs with a password generated for this one process ({@code OPENCODE_SERVER_PASSWORD} in
 * its environment only), so that no other program that can reach the loopback port can read
 * {@code GET /config/providers}, which returns provider keys in clear.
 */
final class ManagedOpenCode implements AutoCloseable {

    /** Where the distribution's pinned OpenCode lives, below {@code otto.home}. */
    static final String EXECUTABLE = "opencode/node_modules/.bin/opencode";
    /** Removed from the inherited environment: Otto's own credentials, and what would move OpenCode's state out of HOME. */
    static final List<String> REMOVED_ENV = List.of(Credentials.USER_ENV, Credentials.PASSWORD_ENV,
            "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME");
    /** How long the process and its children get to exit before they are killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(200);

    private final Process process;
    private final URI url;
    private final Credentials credentials;

    private ManagedOpenCode(Process process, URI url, Credentials credentials) {
        this.process = process;
        this.url = url;
        this.credentials = credentials;
    }

    /**
     * Starts {@code opencode serve} and returns once it answers {@code GET /global/health} with
     * the credentials.
     *
     * @param inherited the environment the process starts from (Otto's own)
     * @param credentials the password the process is given and the health check uses
     */
    static ManagedOpenCode start(Path executable, Path stateHome, Path log, Map<String, String> inherited,
            Credentials credentials, Duration startupTimeout, Duration connectTimeout) throws IOException, InterruptedException {
        if (!Files.isExecutable(executable)) {
            throw new IOException("the pinned OpenCode is not installed at " + executable
                    + "; rebuild the distribution (mvn -B -ntp clean install -DskipTests), which installs it from npm");
        }
        if (!credentials.present()) {
            throw new IllegalArgumentException("a managed OpenCode needs a password");
        }
        Files.createDirectories(stateHome);
        Files.createDirectories(log.getParent());
        int port = freeLoopbackPort();
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "serve",
                "--hostname", "127.0.0.1", "--port", Integer.toString(port)));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(inherited);
        REMOVED_ENV.forEach(env::remove);
        env.put("HOME", stateHome.toString());
        env.put(Credentials.PASSWORD_ENV, credentials.password());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        ManagedOpenCode started = new ManagedOpenCode(process, URI.create("http://127.0.0.1:" + port), credentials);
        try {
            started.awaitHealthy(startupTimeout, connectTimeout, log);
            return started;
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    URI url() {
        return url;
    }

    Credentials credentials() {
        return credentials;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    private void awaitHealthy(Duration timeout, Duration connectTimeout, Path log) throws IOException, InterruptedException {
        OpenCodeHttp http = new OpenCodeHttp(url, min(connectTimeout, Duration.ofSeconds(1)), credentials);
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "nothing listening yet";
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("OpenCode exited with status " + process.exitValue() + " while starting; see " + log);
            }
            try {
                http.send("GET", "/global/health", null, Instant.now().plusSeconds(2), 64 * 1024);
                return;
            } catch (OpenCodeException e) {
                if (e.failureCause() == OpenCodeException.Cause.UNAUTHORIZED) {
                    throw new IOException("OpenCode on " + url + " refused the password Otto generated for it (HTTP "
                            + e.httpStatus() + "); is " + EXECUTABLE + " the pinned version? See " + log);
                }
                last = e.failureCause().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            }
            process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS); // returns early if it exits
        }
        throw new IOException("OpenCode did not answer on " + url + " within " + timeout.toSeconds() + " s (last: " + last
                + "); see " + log);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the process and every process it started: politely, then after {@link #STOP_GRACE} by force. */
    @Override
    public void close() {
        // taken before the parent goes: once it is gone its children are no longer its descendants
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle child : children) {
                long left = deadline - System.nanoTime();
                if (child.isAlive() && !waitFor(child, Math.max(0, left))) {
                    child.destroyForcibly();
                }
            }
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static boolean waitFor(ProcessHandle handle, long nanos) throws InterruptedException {
        try {
            handle.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !handle.isAlive();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
