package dev.otto.itest;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenCode server that the build installed into the distribution ({@code opencode/}),
 * started on a free loopback port with a {@code HOME} of its own and an {@code opencode.json} of
 * the test's: a global default model and an OpenAI key (a canary that must never leave OpenCode).
 * One shared server serves every test of this JVM that needs "an OpenCode"; a test that stops
 * its server starts its own.
 */
public final class OpenCodeServer implements AutoCloseable {

    /** The provider key OpenCode is given; it shows up in OpenCode's answers and must appear nowhere in Otto's output. */
    public static final String CANARY_KEY = "sk-otto-canary-7f3a9c1e5b";
    /** The global default model of the test's opencode.json. */
    public static final String GLOBAL_DEFAULT = "openai/gpt-5.2";

    private static OpenCodeServer shared;

    /**
     * Every server this JVM started. One hook kills them all at exit without waiting: a hook that waits
     * can be cut short when the test JVM is halted, leaving an OpenCode server running.
     */
    private static final java.util.Set<Process> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }), "opencode-stop"));
    }

    private final Process process;
    private final URI url;

    private OpenCodeServer(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** The JVM-wide server, started on first use and stopped when the JVM exits. */
    public static synchronized OpenCodeServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** A server of the caller's own, to stop at will. */
    public static OpenCodeServer start() {
        return start("\"model\": \"" + GLOBAL_DEFAULT + "\", \"small_model\": \"openai/gpt-5o\"");
    }

    /**
     * A server of the caller's own whose opencode.json holds {@code configEntries} (JSON members
     * without the braces), e.g. a global default model and a provider on loopback.
     */
    public static OpenCodeServer start(String configEntries) {
        Path executable = OttoContainer.distribution().resolve("opencode/node_modules/.bin/opencode");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("no OpenCode at " + executable + ": build the distribution first");
        }
        try {
            Path home = OttoContainer.workFolder("opencode-home-");
            Path config = home.resolve(".config/opencode/opencode.json");
            Files.createDirectories(config.getParent());
            Files.writeString(config, "{\"$schema\": \"https://opencode.ai/config.json\", " + configEntries + "}",
                    StandardCharsets.UTF_8);
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(List.of(executable.toString(), "serve", "--hostname", "127.0.0.1",
                    "--port", Integer.toString(port)));
            builder.directory(home.toFile());
            builder.environment().put("HOME", home.toString());
            builder.environment().put("OPENAI_API_KEY", CANARY_KEY);
            builder.environment().remove("OPENCODE_SERVER_PASSWORD");
            builder.redirectErrorStream(true).redirectOutput(home.resolve("opencode.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            OpenCodeServer server = new OpenCodeServer(builder.start(), URI.create("http://127.0.0.1:" + port));
            STARTED.add(server.process);
            server.awaitHealthy(home.resolve("opencode.log"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitHealthy(Path log) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(url.resolve("/global/health")).timeout(Duration.ofSeconds(2)).build();
        Eventually.awaitTrue("OpenCode answering on " + url + " (log: " + log + ")", Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("OpenCode exited with " + process.exitValue() + "; log: " + log);
            }
            try {
                return client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The {@code modelManagement} section of a config.jsonc pointing Otto's catalog at this server. */
    public String catalogConfig() {
        return "\"catalog\": {\"opencodeUrl\": \"" + url + "\", \"refreshInterval\": \"PT24H\"}";
    }

    private static int freePort() throws IOException {
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
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
