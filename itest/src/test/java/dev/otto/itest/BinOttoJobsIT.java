package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Jobs through the real {@code bin/otto}: what one launch stores, the next one reads. */
class BinOttoJobsIT {

    private static final String PROMPT = "Summarize the failures of the day.";

    @Test
    void aModelOverrideSetThroughTheShellSurvivesARestart() throws Exception {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome first = otto.run("run",
                "otto:job-add --name nightly-digest --flow scheduledTasks --schedule '0 3 * * *' --prompt '" + PROMPT + "'",
                "otto:job-model 1 openai/gpt-5.2",
                "otto:jobs");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stdout()).as(first.toString()).contains(
                "Added job 1 nightly-digest: scheduledTasks, '0 3 * * *', enabled, model (defaults), prompt 34 chars.",
                "Job 1 nightly-digest now uses openai/gpt-5.2.");
        // the listing shows the prompt's length, never its text
        assertThat(first.stdout()).containsPattern("(?m)^1\\s+nightly-digest\\s+scheduledTasks\\s+0 3 \\* \\* \\*\\s+yes"
                + "\\s+openai/gpt-5\\.2\\s+34 chars\\s+\\S+ ago$");
        assertThat(first.stdout()).doesNotContain(PROMPT.substring(0, 20));

        OttoProcess.Outcome second = otto.run("run", "otto:job 1 --json");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        JsonNode job = new ObjectMapper().readTree(second.stdout());
        assertThat(job.get("id").asLong()).isEqualTo(1);
        assertThat(job.get("name").asText()).isEqualTo("nightly-digest");
        assertThat(job.get("model_ref").asText()).isEqualTo("openai/gpt-5.2");
        assertThat(job.get("prompt").asText()).isEqualTo(PROMPT);
    }

    @Test
    void aDatabaseNewerThanThisOttoIsRefusedAtStartupNamingBothVersions() throws Exception {
        OttoProcess otto = OttoProcess.freshCopy();
        OttoProcess.Outcome created = otto.run("run", "otto:jobs");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(created.stdout()).contains("No jobs. 'otto:job-add' adds one.");
        // a newer Otto's migration V5, as it would be recorded
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + otto.dataDir.resolve("otto.db"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) SELECT 5, '5', 'from the future', 'SQL',"
                    + " 'V5__from_the_future.sql', 42, installed_by, installed_on, 1, 1 FROM flyway_schema_history"
                    + " WHERE installed_rank = 1");
        }

        OttoProcess.Outcome refused = otto.run("run", "otto:status");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
        assertThat(refused.stderr()).as(refused.toString()).contains("Otto is not ready",
                "dev.otto.persistence.SqliteJobRepository",
                "the job database " + otto.dataDir.resolve("otto.db") + " is at schema version V5, newer than this Otto"
                        + " knows (V4)");
        OttoProcess.Outcome jobs = otto.run("run", "otto:jobs");
        assertThat(jobs.exitCode()).isNotZero();
        assertThat(jobs.stderr()).contains("the job database is not available");
    }
}
