package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.sqlite.SQLiteDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Telemetry through the real {@code bin/otto}: the runs the scheduler starts at boot (jobs that came
 * due while Otto was down, before the sinks are bound) are in both sinks; the telemetry folder
 * deleted while Otto runs is recreated and later runs are in it; {@code otto:telemetry} right after
 * {@code otto:ask} shows that run from the SQLite store. Runs go straight to a loopback provider
 * through the OpenAI-compatible invoker and take milliseconds: the scheduler's first ones end
 * before the sinks are bound.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTelemetryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern ADDED = Pattern.compile("Added job (\\d+) ");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int JOBS = 8;

    private static FaultProvider provider;
    private static OpenCodeServer openCode;
    private static OttoProcess otto;
    private static final List<Long> jobs = new ArrayList<>();

    @BeforeAll
    static void bootWithJobsDue() throws IOException {
        provider = FaultProvider.start();
        openCode = OpenCodeServer.start("\"model\": \"stub/echo\", \"provider\": {"
                + provider.opencodeProvider("stub") + "}");
        otto = OttoProcess.freshCopy(openCode.url());
        Files.writeString(otto.configFile(), OttoContainer.configFor(openCode.url(),
                "\"flowDefaults\": {\"scheduledTasks\": \"stub/echo\", \"interactiveAssistant\": \"stub/echo\"}"));
        Files.writeString(otto.home.resolve("deploy/dev.otto.scheduler.cfg"), "tickInterval=PT0.2S\nmaxParallelRuns=8\n");
        // straight to the loopback provider, no OpenCode in between: a run takes milliseconds
        Files.writeString(otto.home.resolve("deploy/dev.otto.invoker.openai.cfg"), "baseUrl=" + provider.baseUrl()
                + "\nproviders=stub\napiKeyEnv=\n");
        // the jobs are made in one launch and come due while Otto is down
        List<String> adds = new ArrayList<>();
        for (int i = 1; i <= JOBS; i++) {
            adds.add("otto:job-add --name due-" + i + " --flow scheduledTasks --schedule PT5S --prompt 'hi'");
        }
        Instant created = Instant.now();
        OttoProcess.Outcome made = otto.run(prepend("run", adds));
        assertThat(made.exitCode()).as(made.toString()).isZero();
        Matcher id = ADDED.matcher(made.stdout());
        while (id.find()) {
            jobs.add(Long.parseLong(id.group(1)));
        }
        assertThat(jobs).as(made.toString()).hasSize(JOBS);
        Eventually.awaitTrue("the jobs came due while Otto was down", WAIT,
                () -> Instant.now().isAfter(created.plusSeconds(6)));
        OttoProcess.Outcome started = otto.run("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (otto != null) {
            otto.stopAll();
        }
        if (openCode != null) {
            openCode.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private static String[] prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(new String[0]);
    }

    private static OttoProcess.Outcome attached(String command) {
        return otto.run("run", "--attach", command);
    }

    @Test
    @Order(1)
    void everyRunTheSchedulerStartsAtBootIsInBothSinks() {
        Eventually.awaitTrue("every job due at boot ran", WAIT, () -> jobs.stream().allMatch(j -> finishedRuns(j) >= 1));
        Set<String> runs = routerRunIds();
        assertThat(runs).hasSizeGreaterThanOrEqualTo(JOBS);
        Eventually.awaitTrue("every run of job_runs is in both sinks", WAIT,
                () -> sqliteRunIds().containsAll(runs) && jsonlRunIds().containsAll(runs));
        JsonNode sinks = sinks();
        for (JsonNode sink : sinks) {
            assertThat(sink.get("dropped_by_router").asLong()).as(sinks.toString()).isZero();
            assertThat(sink.get("state").asText()).as(sinks.toString()).isEqualTo("ok");
        }
    }

    @Test
    @Order(2)
    void theTelemetryFolderDeletedWhileOttoRunsIsRecreatedAndLaterRunsAreInIt() throws IOException {
        Path folder = otto.dataDir.resolve("telemetry");
        Eventually.awaitTrue("a JSONL file was written", WAIT, () -> !jsonlRunIds().isEmpty());
        deleteTree(folder);
        JsonNode during = sinkNamed(sinks(), "jsonl");
        if (during.get("state").asText().equals("ok")) {
            // ok only once it was told and recovered: the warning is in the log
            Eventually.awaitTrue("the deletion reported", WAIT, () -> log().contains("deleted or replaced"));
        } else {
            assertThat(during.get("state").asText()).as(during.toString()).isEqualTo("failing");
        }
        Eventually.awaitTrue("the folder recreated", WAIT, () -> Files.isDirectory(folder));
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        String runId = askedRunId(attached("otto:ask --json 'hello after the folder went'"));
        Eventually.awaitTrue("the run after the deletion is in the new folder", WAIT,
                () -> jsonlRunIds().contains(runId) && sqliteRunIds().contains(runId));
        OttoProcess.Outcome status = attached("otto:status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(sinkNamed(sinks(), "jsonl").get("state").asText()).isEqualTo("ok");
        // one warning per open day file: one, or two when the deletion fell near midnight UTC
        assertThat(log().split("deleted or replaced", -1).length - 1).as(log()).isBetween(1, 2);
    }

    @Test
    @Order(3)
    void otto_telemetryRightAfterOtto_askShowsThatRunFromTheSqliteStore() throws IOException {
        for (int i = 0; i < 3; i++) {
            // one session: the read follows the answer by a few milliseconds
            OttoProcess.Outcome both = otto.run("run", "--attach", "otto:ask --json 'hello " + i + "'",
                    "otto:telemetry --last 20 --json");
            assertThat(both.exitCode()).as(both.toString()).isZero();
            List<JsonNode> answers = new ArrayList<>();
            try (MappingIterator<JsonNode> values = MAPPER.readerFor(JsonNode.class).readValues(both.stdout())) {
                values.forEachRemaining(answers::add);
            }
            assertThat(answers).as(both.toString()).hasSize(2);
            String asked = answers.get(0).get("run_id").asText();
            // the scheduled jobs keep running, so the asked run need not be the newest: it must be there
            List<String> read = new ArrayList<>();
            answers.get(1).forEach(run -> read.add(run.get("run_id").asText()));
            assertThat(read).as(both.toString()).contains(asked);
        }
        OttoProcess.Outcome source = attached("otto:telemetry --last 1");
        assertThat(source.stdout()).as(source.toString()).contains("source: sqlite");
    }

    private static String askedRunId(OttoProcess.Outcome asked) throws IOException {
        assertThat(asked.exitCode()).as(asked.toString()).isZero();
        return MAPPER.readTree(asked.stdout()).get("run_id").asText();
    }

    private static JsonNode sinks() {
        OttoProcess.Outcome sinks = attached("otto:sinks --json");
        assertThat(sinks.exitCode()).as(sinks.toString()).isZero();
        try {
            return MAPPER.readTree(sinks.stdout());
        } catch (IOException e) {
            throw new AssertionError(sinks.toString(), e);
        }
    }

    private static JsonNode sinkNamed(JsonNode sinks, String name) {
        for (JsonNode sink : sinks) {
            if (sink.get("name").asText().equals(name)) {
                return sink;
            }
        }
        throw new AssertionError("no sink " + name + " in " + sinks);
    }

    private static String log() {
        try {
            Path file = otto.dataDir.resolve("logs/otto.log");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the folder while the sink may be writing a new file into it: again until it is gone (bounded). */
    private static void deleteTree(Path root) throws IOException {
        for (int attempt = 1;; attempt++) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException | UncheckedIOException raced) {
                if (attempt == 100) {
                    throw raced;
                }
            }
        }
    }

    private static long finishedRuns(long jobId) {
        return query("SELECT count(*) FROM job_runs WHERE job_id = " + jobId + " AND outcome <> 'running'", "otto.db")
                .stream().mapToLong(Long::parseLong).sum();
    }

    private static Set<String> routerRunIds() {
        return new HashSet<>(query("SELECT router_run_id FROM job_runs WHERE outcome <> 'running'"
                + " AND router_run_id IS NOT NULL", "otto.db"));
    }

    private static Set<String> sqliteRunIds() {
        return new HashSet<>(query("SELECT run_id FROM runs", "telemetry.db"));
    }

    private static List<String> query(String sql, String database) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + otto.dataDir.resolve(database));
        dataSource.setReadOnly(true);
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                out.add(rows.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("reading " + database + " of " + otto.dataDir, e);
        }
        return out;
    }

    /** The run ids of every run record in the JSONL files; a torn last line is not a record. */
    private static Set<String> jsonlRunIds() {
        Set<String> ids = new HashSet<>();
        Path folder = otto.dataDir.resolve("telemetry");
        if (!Files.isDirectory(folder)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    try {
                        JsonNode record = MAPPER.readTree(line);
                        if ("run".equals(record.path("event").asText())) {
                            ids.add(record.get("run_id").asText());
                        }
                    } catch (IOException torn) {
                        // being written
                    }
                }
            }
        } catch (IOException e) {
            return ids; // the folder went meanwhile
        }
        return ids;
    }
}
