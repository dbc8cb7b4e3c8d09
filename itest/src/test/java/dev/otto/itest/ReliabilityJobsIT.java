package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Jobs under bad input, through the real {@code bin/otto} attached to one running Otto whose
 * scheduler ticks every 0.2 s and whose jobs run on a loopback provider through the real OpenCode:
 * schedules that can never fire are refused and nothing is stored, {@code otto:job-edit} changes a
 * job's schedule and enabled state and the scheduler follows at once, a sparse 10 GiB prompt file
 * is refused with one line while Otto stays up, and removing a job keeps its run history unless
 * {@code --purge} says otherwise.
 */
class ReliabilityJobsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern ADDED = Pattern.compile("Added job (\\d+) ");

    private static FaultProvider provider;
    private static OpenCodeServer openCode;
    private static OttoProcess otto;

    @BeforeAll
    static void start() throws IOException {
        provider = FaultProvider.start();
        openCode = OpenCodeServer.start("\"model\": \"stub/echo\", \"provider\": {"
                + provider.opencodeProvider("stub") + "}");
        otto = OttoProcess.freshCopy(openCode.url());
        Files.writeString(otto.configFile(), OttoContainer.configFor(openCode.url(),
                "\"flowDefaults\": {\"scheduledTasks\": \"stub/echo\"}"));
        Files.writeString(otto.home.resolve("deploy/dev.otto.scheduler.cfg"), "tickInterval=PT0.2S\n");
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

    private static OttoProcess.Outcome attached(String command) {
        return otto.run("run", "--attach", command);
    }

    /** A refused command: exit 1, one line on stderr that holds {@code parts}, no Java in it. */
    private static void refusedWithOneLine(OttoProcess.Outcome outcome, String... parts) {
        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
        assertThat(outcome.stderr().strip().lines().count()).as(outcome.toString()).isEqualTo(1);
        assertThat(outcome.stderr()).as(outcome.toString()).contains(parts)
                .doesNotContain("Exception", "\tat ", "InvocationTarget");
    }

    private static long added(OttoProcess.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        Matcher id = ADDED.matcher(outcome.stdout());
        assertThat(id.find()).as(outcome.toString()).isTrue();
        return Long.parseLong(id.group(1));
    }

    private static List<String> jobNames() throws IOException {
        OttoProcess.Outcome jobs = attached("otto:jobs --json");
        assertThat(jobs.exitCode()).as(jobs.toString()).isZero();
        List<String> names = new ArrayList<>();
        for (JsonNode job : new ObjectMapper().readTree(jobs.stdout()).get("jobs")) {
            names.add(job.get("name").asText());
        }
        return names;
    }

    @Test
    void schedulesThatCanNeverFireAreRefusedWithOneLineAndNothingIsStored() throws IOException {
        String[][] cases = {
                { "garbage", "is neither an ISO-8601 interval nor a cron expression" },
                { "0 0 3 * * * *", "has 7 fields" },
                { "PT0S", "is zero" },
                { "-PT5S", "is a signed interval" },
                { "*/0 * * * *", "has a step of 0" },
                { "0 0 30 2 *", "never fires" },
        };
        for (String[] bad : cases) {
            refusedWithOneLine(attached("otto:job-add --name never-runs --flow scheduledTasks --schedule '" + bad[0]
                    + "' --prompt 'p'"), "schedule '" + bad[0] + "' " + bad[1]);
        }
        assertThat(jobNames()).doesNotContain("never-runs");
    }

    @Test
    void aSparseTenGibPromptFileOrADirectoryIsRefusedWithOneLineAndOttoStaysUp() throws IOException {
        Path huge = otto.root.resolve("huge-prompt.txt");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(10L * 1024 * 1024 * 1024);
        }
        refusedWithOneLine(attached("otto:job-add --name huge --flow scheduledTasks --schedule PT1H --prompt-file " + huge),
                "cannot read the prompt file " + huge + ": it is 10 GiB (10737418240 bytes), a prompt is at most 256 KiB");
        refusedWithOneLine(attached("otto:ask --prompt-file " + huge),
                "cannot read the prompt file " + huge + ": it is 10 GiB");
        refusedWithOneLine(attached("otto:job-add --name dir --flow scheduledTasks --schedule PT1H --prompt-file " + otto.root),
                "cannot read the prompt file " + otto.root + ": it is a directory");
        assertThat(jobNames()).doesNotContain("huge", "dir");
        OttoProcess.Outcome status = otto.run("status");
        assertThat(status.exitCode()).as("Otto is still up and ready: " + status).isZero();
    }

    @Test
    void anEditedJobRunsOnItsNewScheduleStopsWhenDisabledAndKeepsItsHistoryUnlessPurged() throws Exception {
        long edited = added(attached("otto:job-add --name edited --flow scheduledTasks --schedule '0 3 1 1 *'"
                + " --prompt 'say hello' --disabled"));
        OttoProcess.Outcome enable = attached("otto:job-edit --schedule PT1S --enable " + edited);
        assertThat(enable.exitCode()).as(enable.toString()).isZero();
        assertThat(enable.stdout()).contains("Changed job " + edited + " edited. Next run at ")
                .containsPattern("schedule +0 3 1 1 \\* +PT1S").containsPattern("enabled +no +yes");
        Eventually.awaitTrue("the scheduler runs the edited job on its new schedule", WAIT,
                () -> finishedScheduledRuns(edited) >= 1);

        OttoProcess.Outcome disable = attached("otto:job-edit --disable " + edited);
        assertThat(disable.exitCode()).as(disable.toString()).isZero();
        assertThat(disable.stdout()).contains("Disabled: the scheduler does not run it");
        // a witness job on the same ticks. Its first run comes from a tick after the disable, so a tick that
        // read the jobs before it has started its run by then; once the witness ran twice more, the
        // disabled job had every chance to run again
        long witness = added(attached("otto:job-add --name witness --flow scheduledTasks --schedule PT1S --prompt 'hi'"));
        Eventually.awaitTrue("the witness job runs", WAIT, () -> finishedScheduledRuns(witness) >= 1);
        Eventually.awaitTrue("no run of the disabled job in flight", WAIT, () -> runningRuns(edited) == 0);
        long runsWhenDisabled = scheduledRuns(edited);
        long witnessed = finishedScheduledRuns(witness);
        Eventually.awaitTrue("the witness job runs twice more", WAIT, () -> finishedScheduledRuns(witness) >= witnessed + 2);
        assertThat(scheduledRuns(edited)).as("the disabled job did not run again").isEqualTo(runsWhenDisabled);

        refusedWithOneLine(attached("otto:job-rm " + edited), "job " + edited + " edited has recorded runs",
                "'otto:job-rm --purge " + edited + "'");
        assertThat(jobNames()).contains("edited");
        assertThat(scheduledRuns(edited)).isEqualTo(runsWhenDisabled);
        OttoProcess.Outcome purged = attached("otto:job-rm --purge " + edited);
        assertThat(purged.exitCode()).as(purged.toString()).isZero();
        assertThat(purged.stdout()).contains("Removed job " + edited + " edited and its run history.");
        assertThat(jobNames()).doesNotContain("edited");
        assertThat(scheduledRuns(edited)).isZero();
        assertThat(attached("otto:job-edit --disable " + witness).exitCode()).isZero();
    }

    private static long finishedScheduledRuns(long jobId) {
        return count("SELECT count(*) FROM job_runs WHERE job_id = ? AND triggered_by = 'schedule' AND outcome <> 'running'", jobId);
    }

    private static long scheduledRuns(long jobId) {
        return count("SELECT count(*) FROM job_runs WHERE job_id = ? AND triggered_by = 'schedule'", jobId);
    }

    private static long runningRuns(long jobId) {
        return count("SELECT count(*) FROM job_runs WHERE job_id = ? AND outcome = 'running'", jobId);
    }

    private static long count(String sql, long jobId) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + otto.dataDir.resolve("otto.db"));
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, jobId);
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError("reading job_runs of " + otto.dataDir, e);
        }
    }
}
