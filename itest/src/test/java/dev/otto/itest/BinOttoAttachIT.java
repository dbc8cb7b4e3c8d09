package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A running Otto operated from other terminals, through the real {@code bin/otto}: started in the
 * background, attached to by scripts and consoles while its scheduler runs jobs, stopped with a run
 * in flight, killed and started again, and closed to other users.
 */
class BinOttoAttachIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)");

    private static FaultProvider provider;
    private static OpenCodeServer openCode;

    @BeforeAll
    static void provider() {
        provider = FaultProvider.start();
        openCode = OpenCodeServer.start("\"model\": \"stub/echo\", \"provider\": {" + provider.opencodeProvider("stub") + "}");
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    /** A fresh copy of the distribution whose jobs run on the loopback provider through the real OpenCode. */
    private static OttoProcess otto() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy(openCode.url());
        Files.writeString(otto.configFile(), OttoContainer.configFor(openCode.url(),
                "\"flowDefaults\": {\"scheduledTasks\": \"stub/echo\"}"));
        return otto;
    }

    private static long started(OttoProcess otto) {
        OttoProcess.Outcome start = otto.run("start");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.stdout()).as(start.toString()).contains("otto: Ready in");
        Matcher pid = PID.matcher(start.stdout());
        assertThat(pid.find()).as(start.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    @Test
    void anOperatorInspectsAndSteersTheRunningOttoFromOtherTerminals() throws Exception {
        OttoProcess otto = otto();
        long pid = started(otto);
        try {
            OttoProcess.Outcome status = otto.run("status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.stdout()).contains("otto: running and ready");
            assertThat(BinOttoIT.listeningSockets(pid)).as("the running Otto listens on no network port").isEmpty();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(otto.dataDir))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(otto.dataDir.resolve("otto.sock"))))
                    .isEqualTo("rw-------");

            // the running process's counters move while its scheduler runs a job
            OttoProcess.Outcome added = otto.run("run", "--attach",
                    "otto:job-add --name probe --flow scheduledTasks --schedule '0 3 * * *' --prompt 'say hello'");
            assertThat(added.exitCode()).as(added.toString()).isZero();
            long before = delivered(otto);
            OttoProcess.Outcome ran = otto.run("run", "--attach", "otto:job-run 1");
            assertThat(ran.exitCode()).as(ran.toString()).isZero();
            assertThat(ran.stdout()).contains("stub/echo");
            Eventually.awaitTrue("the running Otto's sinks delivered the run's telemetry", WAIT,
                    () -> delivered(otto) > before);

            // two clients at once, each with its own session and exit status
            CompletableFuture<OttoProcess.Outcome> first = CompletableFuture.supplyAsync(() -> otto.run("run", "otto:jobs"));
            CompletableFuture<OttoProcess.Outcome> second = CompletableFuture.supplyAsync(() -> otto.run("run", "otto:nope"));
            assertThat(first.get(2, TimeUnit.MINUTES).exitCode()).isZero();
            assertThat(first.get().stdout()).contains("probe");
            assertThat(second.get(2, TimeUnit.MINUTES).exitCode()).isEqualTo(1);
            assertThat(second.get().stderr()).contains("otto: 'otto:nope' failed: Command not found: otto:nope");

            // an attached console: UTF-8 both ways, one line per failure, history kept owner-only in <data>
            Process console = otto.builder("console").redirectErrorStream(true).start();
            OttoProcess.Collector screen = new OttoProcess.Collector(console.getInputStream());
            OutputStream keys = console.getOutputStream();
            OttoProcess.type(keys, "echo café日本");
            OttoProcess.type(keys, "otto:nope");
            keys.close();
            assertThat(console.waitFor(60, TimeUnit.SECONDS)).as("Ctrl-D (end of input) leaves the console").isTrue();
            assertThat(screen.text()).contains("café日本", "otto: Command not found: otto:nope").doesNotContain("Exception");
            Path history = otto.dataDir.resolve("console.history");
            assertThat(Files.readString(history, StandardCharsets.UTF_8)).contains("echo café日本");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history))).isEqualTo("rw-------");

            // Ctrl-C interrupts the command on the running Otto, not the runtime
            Process sleeper = otto.builder("run", "echo started; sleep 600000").start();
            OttoProcess.Collector sleeperOut = new OttoProcess.Collector(sleeper.getInputStream());
            OttoProcess.Collector sleeperErr = new OttoProcess.Collector(sleeper.getErrorStream());
            Eventually.awaitTrue("the attached command runs", WAIT, () -> sleeperOut.text().contains("started"));
            new ProcessBuilder("kill", "-INT", Long.toString(sleeper.pid())).start().waitFor();
            assertThat(sleeper.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(sleeper.exitValue()).as(sleeperErr.text()).isEqualTo(130);
            assertThat(sleeperErr.text()).contains("otto: 'echo started; sleep 600000' interrupted");
            assertThat(otto.run("status").exitCode()).as("Otto still runs").isZero();
        } finally {
            otto.run("stop");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("stop waits for the end").isFalse();
        assertThat(otto.dataDir.resolve("otto.sock")).doesNotExist();
        assertThat(Files.readString(otto.dataDir.resolve("logs/otto.log"))).as("a first boot logs no false error")
                .doesNotContain(" ERROR ");
    }

    @Test
    void stopLetsARunInFlightFinishAndAKilledOttoStartsAgain() throws Exception {
        OttoProcess otto = otto();
        long pid = started(otto);
        Process run = null;
        try {
            assertThat(otto.run("run", "otto:job-add --name slow --flow scheduledTasks --schedule '0 3 * * *'"
                    + " --prompt 'take your time'", "otto:job-model 1 stub/slow").exitCode()).isZero();
            run = otto.builder("run", "otto:job-run 1").start();
            new OttoProcess.Collector(run.getInputStream());
            new OttoProcess.Collector(run.getErrorStream());
            Eventually.awaitTrue("the run is in flight", WAIT, () -> outcomes(otto).contains("running"));
            OttoProcess.Outcome stop = otto.run("stop");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();
            assertThat(stop.stderr()).contains("otto: stopped (pid " + pid + ")");
            assertThat(outcomes(otto)).as("finished or aborted, never left running").hasSize(1).containsAnyOf("success", "failed", "aborted")
                    .doesNotContain("running");
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
        }

        long second = started(otto);
        ProcessHandle.of(second).ifPresent(ProcessHandle::destroyForcibly); // kill -9
        Eventually.awaitTrue("the killed Otto is gone", WAIT, () -> ProcessHandle.of(second).isEmpty()
                || !ProcessHandle.of(second).get().isAlive());
        assertThat(otto.dataDir.resolve("otto.sock")).as("a killed Otto leaves its socket behind").exists();
        OttoProcess.Outcome notRunning = otto.run("status");
        assertThat(notRunning.exitCode()).as(notRunning.toString()).isEqualTo(1);
        long third = started(otto);
        try {
            assertThat(otto.run("status").exitCode()).isZero();
        } finally {
            assertThat(otto.run("stop").exitCode()).isZero();
        }
        assertThat(ProcessHandle.of(third).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void nothingRunningIsSaidPlainlyAndAttachNeverBoots() throws Exception {
        OttoProcess otto = otto();
        OttoProcess.Outcome attach = otto.run("run", "--attach", "otto:status");
        assertThat(attach.exitCode()).as(attach.toString()).isEqualTo(1);
        assertThat(attach.stderr()).contains("otto: no Otto is running with the data folder " + otto.dataDir,
                "'bin/otto start'");
        assertThat(otto.dataDir.resolve("felix-cache")).as("nothing booted").doesNotExist();
        OttoProcess.Outcome status = otto.run("status");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.stderr()).contains("otto: not running");
        OttoProcess.Outcome stop = otto.run("stop");
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.stderr()).contains("nothing to stop");
        OttoProcess.Outcome console = otto.run("console");
        assertThat(console.exitCode()).isEqualTo(1);
    }

    @Test
    void aStartThatFailsSaysOneLineAndTheLogHasTheDetails() throws Exception {
        OttoProcess otto = OttoProcess.freshCopy(CatalogUnreachableIT.closedPort());
        OttoProcess.Outcome scripted = otto.run("run", "otto:status");
        assertThat(scripted.exitCode()).as(scripted.toString()).isEqualTo(3);
        assertThat(scripted.stderr().lines().count()).as(scripted.toString()).isEqualTo(1);
        assertThat(scripted.stderr()).contains("connection refused", "What to do: start OpenCode",
                otto.dataDir.resolve("logs/otto.log").toString()).doesNotContain("Exception", "\tat ");
        assertThat(Files.readString(otto.dataDir.resolve("logs/otto.log"))).contains("CatalogStartupException");

        OttoProcess.Outcome start = otto.run("start");
        try {
            assertThat(start.exitCode()).as(start.toString()).isEqualTo(3);
            assertThat(start.stderr().lines().count()).as(start.toString()).isEqualTo(1);
            assertThat(start.stderr()).startsWith("otto: Otto did not start: ").contains("connection refused");
            OttoProcess.Outcome status = otto.run("status");
            assertThat(status.exitCode()).as("running, not ready: " + status).isEqualTo(3);
        } finally {
            otto.stopAll();
        }
    }

    @Test
    void anotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a client as another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        OttoProcess otto = otto();
        // the copy of the distribution, not the data folder, is open to everybody, as under /opt
        Files.setPosixFilePermissions(otto.root, PosixFilePermissions.fromString("rwxr-xr-x"));
        started(otto);
        try {
            OttoProcess.Outcome closed = asNobody(otto);
            assertThat(closed.exitCode()).as(closed.toString()).isEqualTo(4);
            assertThat(closed.stderr()).contains("cannot attach", "Permission denied");

            // even through folders and a socket anybody could open, the peer's uid is checked
            Files.setPosixFilePermissions(otto.dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(otto.dataDir.resolve("otto.sock"), PosixFilePermissions.fromString("rw-rw-rw-"));
            OttoProcess.Outcome refused = asNobody(otto);
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(4);
            assertThat(refused.stderr()).contains("otto: this Otto runs as root; only root may attach");
            assertThat(refused.stdout()).doesNotContain("Otto 0.1.0");
            assertThat(Files.readString(otto.dataDir.resolve("logs/otto.log")))
                    .contains("refused a console connection from user nobody");
        } finally {
            otto.stopAll();
        }
    }

    private static OttoProcess.Outcome asNobody(OttoProcess otto) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        command.addAll(otto.builder("run", "otto:status").command());
        ProcessBuilder builder = otto.builder().command(command).directory(Path.of("/").toFile());
        builder.environment().put("HOME", "/tmp");
        Path out = Files.createTempFile("nobody-out", ".txt");
        Path err = Files.createTempFile("nobody-err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new OttoProcess.Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Telemetry records the running Otto's sinks delivered, from its own counters. */
    private static long delivered(OttoProcess otto) {
        OttoProcess.Outcome sinks = otto.run("run", "--attach", "otto:sinks --json");
        assertThat(sinks.exitCode()).as(sinks.toString()).isZero();
        try {
            long sum = 0;
            for (JsonNode sink : new ObjectMapper().readTree(sinks.stdout()).findValues("delivered")) {
                sum += sink.asLong();
            }
            return sum;
        } catch (IOException e) {
            throw new AssertionError(sinks.stdout(), e);
        }
    }

    private static List<String> outcomes(OttoProcess otto) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + otto.dataDir.resolve("otto.db"));
        List<String> outcomes = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT outcome FROM job_runs ORDER BY id")) {
            while (rows.next()) {
                outcomes.add(rows.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("reading job_runs of " + otto.dataDir, e);
        }
        return outcomes;
    }
}
