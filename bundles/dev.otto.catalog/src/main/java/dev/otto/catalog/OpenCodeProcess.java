package dev.otto.catalog;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OpenCode server Otto starts itself ({@code bin/otto --with-opencode}) on a machine that has
 * none: the pinned build installed into the distribution, on a free loopback port, with its state
 * (its {@code HOME}: config, sessions, auth) in Otto's data folder, its output in
 * {@code <data>/logs/opencode.log}, and stopped with Otto.
 */
final class OpenCodeProcess implements AutoCloseable {

    private final Process process;
    private final URI url;

    private OpenCodeProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** Starts {@code opencode serve} and returns once it answers its health check. */
    static OpenCodeProcess start(Path executable, Path stateHome, Path log, Duration startupTimeout)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(executable)) {
            throw new IOException("the pinned OpenCode is not installed at " + executable
                    + "; rebuild the distribution (mvn -B -ntp clean install -DskipTests), which installs it from npm");
        }
        Files.createDirectories(stateHome);
        Files.createDirectories(log.getParent());
        int port = freeLoopbackPort();
        ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "serve",
                "--hostname", "127.0.0.1", "--port", Integer.toString(port)));
        builder.environment().put("HOME", stateHome.toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = builder.start();
        URI url = URI.create("http://127.0.0.1:" + port);
        OpenCodeProcess started = new OpenCodeProcess(process, url);
        try {
            started.awaitHealthy(startupTimeout, log);
            return started;
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.close();
            throw e;
        }
    }

    URI url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    private void awaitHealthy(Duration timeout, Path log) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(url.resolve("/global/health")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("OpenCode exited with status " + process.exitValue() + " while starting; see " + log);
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("OpenCode did not answer on " + url + " within " + timeout.toSeconds() + " s; see " + log);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
