package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The real {@code bin/otto} of the distribution, run as a child process the way operators and scripts run it. */
class BinOttoIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void helpExplainsTheInteractiveAndTheScriptedForm() {
        OttoProcess.Outcome outcome = OttoProcess.freshCopy().run("--help");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        assertThat(outcome.stdout()).contains("otto [--with-opencode] run [--attach] '<command>'", "open its console here",
                "otto console", "otto [--with-opencode] start", "otto stop", "otto status", "serve", "etc/otto.service",
                "<data>/otto.sock", "--with-opencode", "OTTO_DATA_DIR", "deploy");
    }

    @Test
    void runStatusExitsZeroAndListsEveryOttoBundleActive() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome outcome = otto.run("run", "otto:status");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        List<String> ottoBundles = ottoBundleNames(otto.home.resolve("bundle"));
        assertThat(ottoBundles).contains("dev.otto.api", "dev.otto.logging", "dev.otto.shell");
        for (String bundle : ottoBundles) {
            assertThat(outcome.stdout()).as(outcome.toString())
                    .containsPattern("(?m)^\\d+\\s+" + Pattern.quote(bundle) + "\\s+\\S+\\s+active$");
        }
        assertThat(outcome.stdout()).contains("Ready:", otto.dataDir.toString());
        assertThat(outcome.stderr()).contains("otto: Ready in");
        assertThat(otto.dataDir.resolve("logs/otto.log")).exists();
    }

    @Test
    void statusJsonIsMachineReadable() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome outcome = otto.run("run", "otto:status --json");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        JsonNode status = new ObjectMapper().readTree(outcome.stdout());
        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("data_dir").asText()).isEqualTo(otto.dataDir.toString());
        assertThat(status.get("config_file").asText()).isEqualTo(otto.root.resolve("home/.config/otto/config.jsonc").toString());
        assertThat(status.get("problems")).isEmpty();
    }

    @Test
    void aBrokenComponentMakesRunExitNonZeroNamingItAndTheReason() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy();
        Files.copy(OttoContainer.testBundle("broken"), otto.home.resolve("bundle/dev.otto.itest.broken.jar"));
        OttoProcess.Outcome outcome = otto.run("run", "otto:status");
        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(3);
        assertThat(outcome.stderr()).as(outcome.toString()).contains(
                "Otto is not ready",
                "dev.otto.itest.broken.FailingComponent",
                "activation failed: deliberately broken for the integration tests",
                "dev.otto.itest.broken.OrphanComponent",
                "no dev.otto.api.spi.TelemetrySink matching (otto.plugin.name=no-such-sink)");
        // the commands still run, so the operator sees the whole picture
        assertThat(outcome.stdout()).contains("NOT READY, 2 problems:");
        // the operator reads the message, the log file has the exception with its stack trace, never silent
        assertThat(outcome.stderr()).doesNotContain("IllegalStateException");
        String log = Files.readString(otto.dataDir.resolve("logs/otto.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("ERROR dev.otto.itest.broken", "IllegalStateException: deliberately broken for the integration tests",
                "at dev.otto.itest.broken.FailingComponent.<init>");
    }

    @Test
    void configCheckValidatesFilesAndNamesEachProblemWithItsPlace() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy();
        Path bad = otto.root.resolve("bad.jsonc");
        Files.writeString(bad, "{\n  \"modelManagement\": {\"routing\": {\"attemptBudget\": 30}}\n}\n");
        Path example = otto.home.resolve("conf/config.jsonc.example");
        OttoProcess.Outcome outcome = otto.run("run", "otto:config-check " + example, "otto:config-check " + bad);
        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
        assertThat(outcome.stdout()).contains(example + " is valid: version defaults");
        assertThat(outcome.stderr()).contains(bad + " is invalid, 1 problem:",
                bad + ":2:52: modelManagement.routing.attemptBudget: must be a whole number between 1 and 20");
    }

    @Test
    void anUnreachableOpenCodeStopsStartupWithOneClearErrorAndNoShell() throws Exception {
        java.net.URI unreachable = CatalogUnreachableIT.closedPort();
        OttoProcess otto = OttoProcess.freshCopy(unreachable);
        OttoProcess.Outcome scripted = otto.run("run", "otto:status");
        assertThat(scripted.exitCode()).as(scripted.toString()).isEqualTo(3);
        assertThat(scripted.stderr()).contains("Otto cannot start: the first model catalog fetch failed",
                "catalog fetch from " + unreachable + " failed: connection refused",
                "What to do: start OpenCode", otto.configFile().toString());

        OttoProcess.Outcome interactive = otto.run();
        assertThat(interactive.exitCode()).as(interactive.toString()).isEqualTo(3);
        assertThat(interactive.stdout()).doesNotContain("otto> ");
        assertThat(interactive.stderr()).contains("Otto did not start", "connection refused");
    }

    @Test
    void withOpenCodeStartsThePinnedServerUsesItAndStopsIt() throws Exception {
        // the config points at nothing: only the managed server can make this start
        OttoProcess otto = OttoProcess.freshCopy(CatalogUnreachableIT.closedPort());
        OttoProcess.Outcome outcome = otto.run("--with-opencode", "run", "otto:catalog --json");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        JsonNode catalog = new ObjectMapper().readTree(outcome.stdout());
        assertThat(catalog.get("opencode_version").asText()).isEqualTo("1.18.33");
        String source = catalog.get("source").asText();
        assertThat(source).startsWith("http://127.0.0.1:");
        String port = source.replaceAll("^http://127\\.0\\.0\\.1:(\\d+).*$", "$1");
        assertThat(otto.dataDir.resolve("opencode")).isDirectory();
        assertThat(otto.dataDir.resolve("logs/opencode.log")).exists();
        Eventually.awaitTrue("no OpenCode left listening on port " + port, WAIT, () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().arguments().map(a -> String.join(" ", a).contains("--port " + port)).orElse(false)));
    }

    @Test
    void noProviderKeyReachesAnyFileOrOutputOfOtto() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome outcome = otto.run("run", "otto:catalog", "otto:catalog openai", "otto:catalog --json",
                "otto:status --json", "otto:config --json");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        assertThat(outcome.stdout() + outcome.stderr()).doesNotContain(OpenCodeServer.CANARY_KEY);
        try (java.util.stream.Stream<Path> files = Files.walk(otto.dataDir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!file.toString().contains("felix-cache")) {
                    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                            .as(file.toString()).doesNotContain(OpenCodeServer.CANARY_KEY);
                }
            }
        }
    }

    @Test
    void aFailingCommandStopsTheScriptWithExitOne() {
        OttoProcess.Outcome outcome = OttoProcess.freshCopy().run("run", "otto:nope", "otto:status");
        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
        assertThat(outcome.stderr()).contains("otto: 'otto:nope' failed");
        assertThat(outcome.stdout()).doesNotContain("Ready:");
    }

    @Test
    void wrongArgumentsAreAUsageError() {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome noCommand = otto.run("run");
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.stderr()).contains("'run' needs at least one command", "Usage:");
        OttoProcess.Outcome unknown = otto.run("--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown argument '--frobnicate'");
    }

    @Test
    void theInteractiveShellListensOnNoPortAndHotDeploysAPlugin() throws Exception {
        OttoProcess otto = OttoProcess.freshCopy();
        Process process = otto.builder().start();
        OttoProcess.Collector out = new OttoProcess.Collector(process.getInputStream());
        OttoProcess.Collector err = new OttoProcess.Collector(process.getErrorStream());
        OutputStream stdin = process.getOutputStream();
        try {
            interact(otto, process, stdin, out);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- stdout\n" + out.text() + "\n--- stderr\n" + err.text(), e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static void interact(OttoProcess otto, Process process, OutputStream stdin, OttoProcess.Collector out)
            throws Exception {
        Eventually.awaitTrue("the Otto prompt", WAIT, () -> out.text().contains("otto> "));
        int mark = out.length();
        OttoProcess.type(stdin, "otto:await");
        Eventually.awaitTrue("otto:await in the interactive shell", WAIT, () -> out.since(mark).contains("Ready in"));

        assertThat(listeningSockets(process.pid()))
                .as("listening sockets of the Otto JVM (there is no remote shell)").isEmpty();

        Path jar = otto.home.resolve("deploy/dev.otto.itest.plugin.jar");
        Files.copy(OttoContainer.testBundle("plugin"), jar);
        Eventually.awaitTrue("the dropped plugin active in otto:status", WAIT,
                () -> statusShows(stdin, out, "dev.otto.itest.plugin\\s+\\S+\\s+active"));
        Files.delete(jar);
        Eventually.awaitTrue("the removed plugin gone from otto:status", WAIT,
                () -> statusShows(stdin, out, "Ready:") && !lastStatus(out).contains("dev.otto.itest.plugin"));

        OttoProcess.type(stdin, "exit");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exit stops Otto").isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /** Types otto:status and reports whether its complete output matches {@code pattern}. */
    private static boolean statusShows(OutputStream stdin, OttoProcess.Collector out, String pattern) {
        int mark = out.length();
        OttoProcess.type(stdin, "otto:status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !out.since(mark).matches("(?s).*(Ready:|NOT READY).*\\R.*otto> .*")) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return Pattern.compile(pattern).matcher(out.since(mark)).find();
    }

    private static String lastStatus(OttoProcess.Collector out) {
        String text = out.text();
        return text.substring(text.lastIndexOf("Otto "));
    }

    private static List<String> ottoBundleNames(Path bundleDir) throws IOException {
        try (Stream<Path> jars = Files.list(bundleDir)) {
            return jars.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("dev.otto."))
                    .map(name -> name.replaceFirst("-\\d.*\\.jar$", ""))
                    .sorted().collect(Collectors.toList());
        }
    }

    /** TCP sockets in LISTEN state and bound UDP sockets owned by the process, as /proc shows them. */
    static Set<String> listeningSockets(long pid) throws IOException {
        Set<String> owned = new HashSet<>();
        Pattern socket = Pattern.compile("socket:\\[(\\d+)]");
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = socket.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        owned.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path file = Path.of("/proc", Long.toString(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                boolean listens = table.startsWith("udp") || "0A".equals(f[3]);
                if (listens && owned.contains(f[9])) {
                    listening.add(table + " " + f[1]);
                }
            }
        }
        return listening;
    }
}
