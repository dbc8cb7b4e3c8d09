package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * What operators and disks do to {@code otto.db}, against the real {@code bin/otto}: the file
 * deleted while Otto runs, an empty file, corrupt pages, and a disk that fills while a run is in
 * flight (a small tmpfs as the data folder; root only). Otto says so in {@code otto:status}, with
 * the path and what to do, refuses writes it could not keep, never replaces the operator's file,
 * and loses no run's end.
 */
class ReliabilityDatabaseIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)");
    private static final String ADD = "otto:job-add --name probe --flow scheduledTasks --schedule '0 3 * * *'"
            + " --prompt 'say hello'";

    private static HeldProvider provider;
    private static OpenCodeServer openCode;

    @BeforeAll
    static void provider() {
        provider = HeldProvider.start();
        openCode = OpenCodeServer.start("\"model\": \"held/wait\", \"provider\": {" + provider.opencodeProvider("held") + "}");
    }

    @AfterAll
    static void stopProvider() {
        openCode.close(); // else it runs on beside the rest of the suite until the JVM's exit
        provider.close();
    }

    /** A fresh copy of the distribution whose scheduled jobs run on the held provider through the real OpenCode. */
    private static OttoProcess otto() throws IOException {
        OttoProcess otto = OttoProcess.freshCopy(openCode.url());
        Files.writeString(otto.configFile(), OttoContainer.configFor(openCode.url(),
                "\"flowDefaults\": {\"scheduledTasks\": \"held/wait\"}"));
        return otto;
    }

    private static long started(OttoProcess otto) {
        OttoProcess.Outcome start = otto.run("start");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        Matcher pid = PID.matcher(start.stdout());
        assertThat(pid.find()).as(start.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    private static void stop(OttoProcess otto, long pid) {
        otto.stopAll();
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    private static Path db(OttoProcess otto) {
        return otto.dataDir.resolve("otto.db");
    }

    @Test
    void aDatabaseDeletedWhileOttoRunsIsReportedWritesAreRefusedAndARestartDoesNotStartEmpty() throws Exception {
        OttoProcess otto = otto();
        long pid = started(otto);
        Path rescued;
        try {
            OttoProcess.Outcome added = otto.run("run", "--attach", ADD);
            assertThat(added.exitCode()).as(added.toString()).isZero();
            assertThat(otto.run("status").exitCode()).isZero();

            Files.delete(db(otto));

            OttoProcess.Outcome status = otto.run("status");
            assertThat(status.exitCode()).as(status.toString()).isEqualTo(3);
            assertThat(status.stdout()).as(status.toString()).contains("running but not ready",
                    "the job database " + db(otto) + " was deleted while Otto ran: no write is accepted since",
                    "restart Otto");
            OttoProcess.Outcome refused = otto.run("run", "--attach", ADD.replace("probe", "second"));
            assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
            assertThat(refused.stderr().strip().lines()).as(refused.toString()).hasSize(1);
            assertThat(refused.stderr()).contains("creating a job refused: the job database " + db(otto)
                    + " was deleted while Otto ran").contains(db(otto) + ".rescued-").doesNotContain("Exception");
            assertThat(db(otto)).as("nothing silently recreated").doesNotExist();
            try (Stream<Path> files = Files.list(otto.dataDir)) {
                rescued = files.filter(f -> f.getFileName().toString().startsWith("otto.db.rescued-")).findFirst()
                        .orElseThrow();
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rescued))).isEqualTo("rw-------");
        } finally {
            stop(otto, pid);
        }

        // a restart refuses to start empty, and names the copy Otto saved
        OttoProcess.Outcome restart = otto.run("run", "otto:status");
        assertThat(restart.exitCode()).as(restart.toString()).isEqualTo(3);
        assertThat(restart.stderr()).as(restart.toString()).contains("Otto is not ready",
                "the job database " + db(otto) + " is missing, but this data folder had one",
                "move it to " + db(otto), rescued.toString());
        assertThat(db(otto)).doesNotExist();

        // the remedy works: the rescued copy put back, the job is there
        Files.move(rescued, db(otto));
        OttoProcess.Outcome jobs = otto.run("run", "otto:jobs");
        assertThat(jobs.exitCode()).as(jobs.toString()).isZero();
        assertThat(jobs.stdout()).contains("probe").doesNotContain("second");
    }

    @Test
    void anEmptyDatabaseFileIsRefusedAndLeftUntouched() throws Exception {
        OttoProcess otto = otto();
        Files.createDirectories(otto.dataDir);
        Files.setPosixFilePermissions(otto.dataDir, PosixFilePermissions.fromString("rwx------"));
        Files.createFile(db(otto));

        OttoProcess.Outcome refused = otto.run("run", "otto:status");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.stderr()).as(refused.toString()).contains("Otto is not ready",
                "the job database " + db(otto) + " is empty (0 bytes)", "restore it from a backup",
                "mv " + db(otto) + " " + db(otto) + ".empty");
        assertThat(Files.size(db(otto))).isZero();
        OttoProcess.Outcome jobs = otto.run("run", "otto:job-add --name probe --flow scheduledTasks --schedule"
                + " '0 3 * * *' --prompt hi");
        assertThat(jobs.exitCode()).isNotZero();
        assertThat(Files.size(db(otto))).isZero();
    }

    @Test
    void corruptPagesAreRefusedAtStartWithTheRemedy() throws Exception {
        OttoProcess otto = otto();
        for (int i = 0; i < 3; i++) {
            OttoProcess.Outcome added = otto.run("run", ADD.replace("probe", "job" + i).replace("say hello",
                    "x".repeat(3000)));
            assertThat(added.exitCode()).as(added.toString()).isZero();
        }
        try (RandomAccessFile file = new RandomAccessFile(db(otto).toFile(), "rw")) {
            byte[] garbage = new byte[(int) Math.min(file.length() - 4096, 4096 * 4)];
            Arrays.fill(garbage, (byte) 0x5a);
            file.seek(4096); // the header stays, the pages after it do not
            file.write(garbage);
        }
        String before = sha256(db(otto));

        OttoProcess.Outcome refused = otto.run("run", "otto:status");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.stderr()).as(refused.toString()).contains("Otto is not ready",
                "the job database " + db(otto) + " is corrupt (quick_check: ", "restore it from a backup",
                "sqlite3 " + db(otto) + " .recover");
        assertThat(sha256(db(otto))).isEqualTo(before);
    }

    @Test
    void aRunInFlightWhenTheDiskFillsIsRecordedWithItsRealOutcomeOnceSpaceReturns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        OttoProcess otto = otto();
        Files.createDirectories(otto.dataDir);
        Files.setPosixFilePermissions(otto.dataDir, PosixFilePermissions.fromString("rwx------"));
        // the framework's bundle cache lives in the data folder too: room for it, then filled up
        int mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs",
                otto.dataDir.toString()).inheritIO().start().waitFor();
        assumeTrue(mounted == 0, "mount -t tmpfs failed");
        long pid = -1;
        Process run = null;
        Path filler = otto.dataDir.resolve("filler");
        try {
            pid = started(otto);
            assertThat(otto.run("run", "--attach", ADD).exitCode()).isZero();
            run = otto.builder("run", "--attach", "otto:job-run 1").start();
            OttoProcess.Collector runOut = new OttoProcess.Collector(run.getInputStream());
            OttoProcess.Collector runErr = new OttoProcess.Collector(run.getErrorStream());
            assertThat(provider.arrived.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the run reached the provider")
                    .isTrue();
            assertThat(outcomeOfRun1(otto)).isEqualTo("running");

            fill(filler);
            provider.release.countDown(); // the run ends while the disk is full
            assertThat(run.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as(runErr.text()).isTrue();
            assertThat(runOut.text()).as(runErr.text()).contains("success");
            Eventually.awaitTrue("otto:status says the job database cannot be written", WAIT, () -> {
                OttoProcess.Outcome status = otto.run("status");
                return status.exitCode() == 3 && status.stdout().contains("cannot write to the job database "
                        + db(otto) + ": disk full?");
            });
            assertThat(outcomeOfRun1(otto)).as("the end waits while the disk is full").isEqualTo("running");

            Files.delete(filler);
            Eventually.awaitTrue("run 1 is recorded with its real outcome", WAIT, () -> "success".equals(outcomeOfRun1(otto)));
            String log = Files.readString(otto.dataDir.resolve("logs/otto.log"), StandardCharsets.UTF_8);
            assertThat(log).contains("job runs are recorded again after");
            assertThat(log.lines().filter(l -> l.contains("cannot record job runs"))).as("said once, if at all").hasSizeLessThanOrEqualTo(1);
            // both databases' checks clear once space returns (other checks, e.g. the JSONL folder's, are not this test's)
            awaitChecksOk(otto, "job database", "telemetry database");
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
            Files.deleteIfExists(filler);
            if (pid > 0) {
                stop(otto, pid);
            }
            if (new ProcessBuilder("umount", otto.dataDir.toString()).inheritIO().start().waitFor() != 0) {
                // still busy: detach it now, so mvn clean can delete the work folder
                new ProcessBuilder("umount", "-l", otto.dataDir.toString()).inheritIO().start().waitFor();
            }
        }
    }

    private static void awaitChecksOk(OttoProcess otto, String... checks) {
        Eventually.awaitTrue("otto:status shows " + Arrays.toString(checks) + " ok", WAIT, () -> {
            String table = otto.run("run", "--attach", "otto:status").stdout();
            return Arrays.stream(checks).allMatch(check -> table.lines()
                    .anyMatch(line -> line.matches(Pattern.quote(check) + " +ok")));
        });
    }

    /** Writes until the file system refuses: big chunks, then pages, so nothing is left. */
    private static void fill(Path filler) throws IOException {
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE_NEW)) {
            for (int chunk : new int[] { 1 << 20, 4096, 512 }) {
                byte[] bytes = new byte[chunk];
                try {
                    while (true) {
                        out.write(bytes);
                        out.flush();
                    }
                } catch (IOException full) {
                    // this size no longer fits: the next, smaller one
                }
            }
        }
    }

    /** Run 1's outcome as stored, read as any SQLite client reads it; null if there is none. */
    private static String outcomeOfRun1(OttoProcess otto) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + db(otto));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT outcome FROM job_runs WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (java.sql.SQLException e) {
            throw new AssertionError("cannot read " + db(otto) + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /**
     * A loopback OpenAI-compatible provider whose answers wait for {@link #release}: a run is in
     * flight for as long as the test needs, and then succeeds.
     */
    static final class HeldProvider implements AutoCloseable {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final HttpServer server;

        private HeldProvider(HttpServer server) {
            this.server = server;
        }

        static HeldProvider start() {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
                HeldProvider provider = new HeldProvider(server);
                server.createContext("/v1/chat/completions", provider::answer);
                server.setExecutor(Executors.newCachedThreadPool(r -> {
                    Thread t = new Thread(r, "held-provider");
                    t.setDaemon(true);
                    return t;
                }));
                server.start();
                return provider;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        String opencodeProvider(String id) {
            return "\"" + id + "\": {\"npm\": \"@ai-sdk/openai-compatible\", \"name\": \"" + id + "\", \"options\": "
                    + "{\"baseURL\": \"http://127.0.0.1:" + server.getAddress().getPort() + "/v1\", \"apiKey\": \"x\"},"
                    + " \"models\": {\"wait\": {\"name\": \"wait\"}}}";
        }

        private void answer(HttpExchange exchange) throws IOException {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            arrived.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean streaming = body.replace(" ", "").contains("\"stream\":true");
            if (!streaming) {
                byte[] json = ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"wait\",\"choices\":"
                        + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":"
                        + "\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":1,\"total_tokens\":12}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, json.length);
                exchange.getResponseBody().write(json);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            List<String> events = new ArrayList<>();
            String chunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"wait\",\"choices\":[%s]%s}";
            events.add(String.format(chunk, "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"hello\"}}", ""));
            events.add(String.format(chunk, "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}", ""));
            events.add(String.format(chunk, "", ",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":1,\"total_tokens\":12}"));
            events.add("[DONE]");
            try (OutputStream out = exchange.getResponseBody()) {
                for (String event : events) {
                    out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }
}
