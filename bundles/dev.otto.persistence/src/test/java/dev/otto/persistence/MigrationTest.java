package dev.otto.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.job.Job;
import dev.otto.support.sqlite.SchemaMigrator;

/** Flyway migrations of real SQLite files: fresh, from V1, refused, tampered, failed. */
class MigrationTest {

    private static final String V1 = "V1__create_jobs.sql";
    private static final String V2 = "V2__add_jobs_model_ref.sql";
    private static final String V3 = "V3__create_job_runs.sql";
    private static final String V4 = "V4__add_job_sops_and_hooks.sql";

    @TempDir
    Path dir;

    private final RecordingReporter reporter = new RecordingReporter();

    @Test
    void aFreshDatabaseIsCreatedOwnerOnlyAndMigratedToV4() throws Exception {
        Path db = dir.resolve("data/otto.db");
        try (JobDatabase database = JobDatabase.open(db, reporter)) {
            assertThat(database.schemaVersion()).isEqualTo("V4");
            assertThat(Files.exists(Path.of(db + "-wal"))).isTrue();
            for (Path file : List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                        .isEqualTo("rw-------");
            }
        }
        assertThat(Sql.columns(db, "jobs")).containsExactly(
                "id", "name", "flow", "schedule", "prompt", "enabled", "created_at", "updated_at", "model_ref", "sops",
                "pre_run_hook", "pre_run_timeout_ms", "post_run_hook", "post_run_timeout_ms");
        assertThat(Sql.rows(db, "SELECT version, description, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1|create jobs|1", "2|add jobs model ref|1", "3|create job runs|1",
                        "4|add job sops and hooks|1");
        assertThat(Sql.columns(db, "job_runs")).containsExactly("id", "job_id", "triggered_by", "started_at",
                "finished_at", "outcome", "router_run_id", "resolution_source", "final_model", "reason", "error_class",
                "fallback_reasons", "attempts", "tokens_in", "tokens_out", "note");
        assertThat(reporter.lines.get(0)).isEqualTo("INFO created the job database " + db);
        assertThat(reporter.lines.get(1))
                .isEqualTo("INFO migrating " + db + " from empty to V4: V1 (create jobs), V2 (add jobs model ref),"
                        + " V3 (create job runs), V4 (add job sops and hooks)");
        assertThat(reporter.lines.get(2)).matches("INFO migrated " + java.util.regex.Pattern.quote(db.toString())
                + " to V4 in \\d+ ms");

        reporter.lines.clear();
        try (JobDatabase again = JobDatabase.open(db, reporter)) {
            assertThat(again.schemaVersion()).isEqualTo("V4");
        }
        assertThat(reporter.lines).containsExactly("INFO job database " + db + " is at schema V4, up to date");
    }

    @Test
    void everyConnectionRunsInWalWithFullSyncABusyTimeoutAndForeignKeys() throws Exception {
        Path db = dir.resolve("otto.db");
        Map<String, String> expected = Map.of("journal_mode", "wal", "synchronous", "2",
                "busy_timeout", String.valueOf(JobDatabase.BUSY_TIMEOUT_MILLIS), "foreign_keys", "1");
        try (JobDatabase database = JobDatabase.open(db, reporter)) {
            for (var pragma : expected.entrySet()) {
                // the connection the repository works with
                String value = database.read("pragma", c -> Sql.one(c, "PRAGMA " + pragma.getKey()));
                assertThat(value).as(pragma.getKey()).isEqualTo(pragma.getValue());
                // and any other one the data source gives out (Flyway's)
                try (Connection other = JobDatabase.dataSource(db).getConnection()) {
                    assertThat(Sql.one(other, "PRAGMA " + pragma.getKey())).as(pragma.getKey()).isEqualTo(pragma.getValue());
                }
            }
        }
    }

    @Test
    void aDatabaseAtV1WithRowsMigratesToTheNewestKeepingEveryRowWithANullModel() throws Exception {
        Path db = dir.resolve("otto.db");
        Path v1Only = migrations("v1", Map.of(V1, shipped(V1)));
        try (JobDatabase atV1 = JobDatabase.open(db, List.of("filesystem:" + v1Only), reporter)) {
            assertThat(atV1.schemaVersion()).isEqualTo("V1");
        }
        Sql.execute(db,
                "INSERT INTO jobs (name, flow, schedule, prompt, enabled, created_at, updated_at) VALUES "
                        + "('digest', 'scheduledTasks', '0 3 * * *', 'Summarize the day', 1, '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z'),"
                        + "('pulse', 'heartbeat', '*/5 * * * *', 'Are you alive?', 0, '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z')");
        List<String> before = Sql.rows(db, "SELECT * FROM jobs ORDER BY id");
        reporter.lines.clear();

        try (JobDatabase migrated = JobDatabase.open(db, reporter)) {
            assertThat(migrated.schemaVersion()).isEqualTo("V4");
            List<Job> jobs = new SqliteJobRepository(migrated, java.time.Clock.systemUTC()).list();
            assertThat(jobs).extracting(Job::name).containsExactly("digest", "pulse");
            assertThat(jobs).allSatisfy(job -> assertThat(job.modelRef()).isNull());
            assertThat(jobs.get(1).enabled()).isFalse();
        }
        assertThat(reporter.lines.get(0)).isEqualTo("INFO migrating " + db + " from V1 to V4: V2 (add jobs model ref),"
                + " V3 (create job runs), V4 (add job sops and hooks)");
        // every V1 column of every row is as it was, and the new column is NULL
        assertThat(Sql.rows(db, "SELECT id, name, flow, schedule, prompt, enabled, created_at, updated_at FROM jobs ORDER BY id"))
                .isEqualTo(before);
        assertThat(Sql.rows(db, "SELECT count(*) FROM jobs WHERE model_ref IS NULL")).containsExactly("2");
    }

    @Test
    void aDatabaseAtV2WithJobsMigratesToTheNewestKeepingEveryRowAndRecordsRunsOfThem() throws Exception {
        Path db = dir.resolve("otto.db");
        Path upToV2 = migrations("v2", Map.of(V1, shipped(V1), V2, shipped(V2)));
        try (JobDatabase atV2 = JobDatabase.open(db, List.of("filesystem:" + upToV2), reporter)) {
            assertThat(atV2.schemaVersion()).isEqualTo("V2");
        }
        Sql.execute(db,
                "INSERT INTO jobs (name, flow, schedule, prompt, enabled, created_at, updated_at, model_ref) VALUES "
                        + "('digest', 'scheduledTasks', 'P1D', 'Summarize the day', 1, '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z', 'openai/gpt-5.2'),"
                        + "('pulse', 'heartbeat', 'PT15M', 'Are you alive?', 0, '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z', NULL)");
        List<String> before = Sql.rows(db, "SELECT * FROM jobs ORDER BY id");
        reporter.lines.clear();

        try (JobDatabase migrated = JobDatabase.open(db, reporter)) {
            assertThat(migrated.schemaVersion()).isEqualTo("V4");
            SqliteJobRepository repository = new SqliteJobRepository(migrated, java.time.Clock.systemUTC());
            assertThat(repository.list()).extracting(Job::name).containsExactly("digest", "pulse");
            java.time.Instant start = java.time.Instant.parse("2026-02-01T00:00:00Z");
            var run = repository.recordStart(1, dev.otto.api.job.JobRunTrigger.SCHEDULE, start);
            assertThat(repository.runsOf(1, 10)).containsExactly(run);
        }
        assertThat(reporter.lines.get(0)).isEqualTo("INFO migrating " + db + " from V2 to V4: V3 (create job runs),"
                + " V4 (add job sops and hooks)");
        assertThat(Sql.rows(db, "SELECT id, name, flow, schedule, prompt, enabled, created_at, updated_at, model_ref"
                + " FROM jobs ORDER BY id")).isEqualTo(before);
        assertThat(Sql.rows(db, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1|1", "2|1", "3|1", "4|1");
        assertThat(Sql.rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_runs' ORDER BY name"))
                .containsExactly("job_runs_by_job", "job_runs_unfinished");
    }

    @Test
    void aDatabaseAtV3WithRunsMigratesToV4KeepingEveryRunAndNeverReusingARunId() throws Exception {
        Path db = dir.resolve("otto.db");
        Path upToV3 = migrations("v3", Map.of(V1, shipped(V1), V2, shipped(V2), V3, shipped(V3)));
        try (JobDatabase atV3 = JobDatabase.open(db, List.of("filesystem:" + upToV3), reporter)) {
            assertThat(atV3.schemaVersion()).isEqualTo("V3");
        }
        Sql.execute(db, "INSERT INTO jobs (name, flow, schedule, prompt, enabled, created_at, updated_at) VALUES "
                + "('digest', 'scheduledTasks', 'P1D', 'p', 1, '2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z')");
        Sql.execute(db, "INSERT INTO job_runs (job_id, triggered_by, started_at, finished_at, outcome, router_run_id,"
                + " resolution_source, final_model, reason, error_class, fallback_reasons, attempts, tokens_in, tokens_out)"
                + " VALUES (1, 'schedule', '2026-01-03T00:00:00.000Z', '2026-01-03T00:00:01.000Z', 'success', 'r-1',"
                + " 'job', 'openai/gpt-5.2', 'none', NULL, 'provider_5xx', 2, 10, 20),"
                + " (1, 'manual', '2026-01-04T00:00:00.000Z', NULL, 'running', NULL, NULL, NULL, NULL, NULL, '', 0, 0, 0),"
                + " (1, 'manual', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z', 'aborted', NULL, NULL, NULL,"
                + " NULL, NULL, '', 0, 0, 0)");
        Sql.execute(db, "DELETE FROM job_runs WHERE id = 3"); // the counter stays at 3
        List<String> before = Sql.rows(db, "SELECT * FROM job_runs ORDER BY id");
        reporter.lines.clear();

        try (JobDatabase migrated = JobDatabase.open(db, reporter)) {
            assertThat(migrated.schemaVersion()).isEqualTo("V4");
            SqliteJobRepository repository = new SqliteJobRepository(migrated, java.time.Clock.systemUTC());
            assertThat(repository.runsOf(1, 10)).extracting(run -> run.outcome().wireName())
                    .containsExactly("running", "success");
            var next = repository.recordStart(1, dev.otto.api.job.JobRunTrigger.MANUAL,
                    java.time.Instant.parse("2026-02-01T00:00:00Z"));
            assertThat(next.id()).as("run id 3 was given once already").isEqualTo(4);
            var skipped = repository.recordFinish(next.id(), dev.otto.api.job.JobRunEnd.skipped(
                    java.time.Instant.parse("2026-02-01T00:00:01Z"), "skipped: pre-run hook check.sh exited with status 3"));
            assertThat(skipped.orElseThrow().note()).isEqualTo("skipped: pre-run hook check.sh exited with status 3");
        }
        assertThat(reporter.lines.get(0)).isEqualTo("INFO migrating " + db + " from V3 to V4: V4 (add job sops and hooks)");
        assertThat(Sql.rows(db, "SELECT id, job_id, triggered_by, started_at, finished_at, outcome, router_run_id,"
                + " resolution_source, final_model, reason, error_class, fallback_reasons, attempts, tokens_in, tokens_out"
                + " FROM job_runs WHERE id < 4 ORDER BY id")).isEqualTo(before);
        assertThat(Sql.rows(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_runs' ORDER BY name"))
                .containsExactly("job_runs_by_job", "job_runs_unfinished");
        assertThat(Sql.rows(db, "SELECT name FROM sqlite_master WHERE name LIKE 'job_runs%' AND type = 'table'"))
                .containsExactly("job_runs");
        assertThat(Sql.rows(db, "PRAGMA foreign_key_check")).isEmpty();
        Sql.execute(db, "PRAGMA foreign_keys = ON", "DELETE FROM jobs WHERE id = 1");
        assertThat(Sql.rows(db, "SELECT count(*) FROM job_runs")).as("runs still go with their job").containsExactly("0");
    }

    @Test
    void aDatabaseNewerThanTheCodeIsRefusedNamingBothVersionsAndLeftAsItWas() throws Exception {
        Path db = dir.resolve("otto.db");
        Path newer = migrations("newer", Map.of(V1, shipped(V1), V2, shipped(V2), V3, shipped(V3), V4, shipped(V4),
                "V5__add_later.sql", "CREATE TABLE later (x TEXT);"));
        JobDatabase.open(db, List.of("filesystem:" + newer), reporter).close();
        List<String> history = Sql.rows(db, "SELECT * FROM flyway_schema_history ORDER BY installed_rank");

        assertThatThrownBy(() -> JobDatabase.open(db, reporter))
                .isInstanceOf(SchemaMigrator.SchemaException.class)
                .hasMessage("the job database " + db + " is at schema version V5, newer than this Otto knows (V4):"
                        + " a newer Otto wrote it. Run that newer Otto, or restore a backup of the database taken at V4"
                        + " or earlier; nothing was changed");
        assertThat(Sql.rows(db, "SELECT * FROM flyway_schema_history ORDER BY installed_rank")).isEqualTo(history);
        assertThat(Sql.columns(db, "later")).containsExactly("x");
    }

    @Test
    void anEditedAppliedMigrationIsCaughtSayingWhatToDo() throws Exception {
        Path db = dir.resolve("otto.db");
        JobDatabase.open(db, reporter).close();
        Path edited = migrations("edited", Map.of(
                V1, shipped(V1).replace("schedule   TEXT    NOT NULL,", "schedule   TEXT    NOT NULL, owner TEXT,"),
                V2, shipped(V2), V3, shipped(V3), V4, shipped(V4)));

        assertThatThrownBy(() -> JobDatabase.open(db, List.of("filesystem:" + edited), reporter))
                .isInstanceOf(SchemaMigrator.SchemaException.class)
                .hasMessageStartingWith("migration V1 (create jobs) was edited after it ran on " + db + " (checksum ")
                .hasMessageEndingWith(" in this build): put back the original migration and make the change in a new one,"
                        + " or run the Otto build that created this database; nothing was changed");
        assertThat(Sql.columns(db, "jobs")).doesNotContain("owner");
    }

    @Test
    void aFailingMigrationStopsWithTheDatabasesReasonAndLeavesTheSchemaUntouched() throws Exception {
        Path db = dir.resolve("otto.db");
        JobDatabase.open(db, List.of("filesystem:" + migrations("v1", Map.of(V1, shipped(V1)))), reporter).close();
        Sql.execute(db, "INSERT INTO jobs (name, flow, schedule, prompt, created_at, updated_at) VALUES "
                + "('digest', 'scheduledTasks', 'daily', 'p', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
        Path broken = migrations("broken", Map.of(V1, shipped(V1), V2, shipped(V2),
                "V3__broken.sql", "ALTER TABLE jobs ADD COLUMN owner TEXT;\nINSERT INTO no_such_table VALUES (1);"));

        assertThatThrownBy(() -> JobDatabase.open(db, List.of("filesystem:" + broken), reporter))
                .isInstanceOf(SchemaMigrator.SchemaException.class)
                .hasMessageStartingWith("migrating " + db + " from V1 to V3 failed: ")
                .hasMessageContaining("no such table: no_such_table")
                .hasMessageEndingWith("; the schema is still at V1, unchanged. Install an Otto build with a working"
                        + " migration, or restore a backup");
        // neither V2 nor the first half of V3 stayed: the whole run was one transaction
        assertThat(Sql.columns(db, "jobs")).doesNotContain("model_ref", "owner");
        assertThat(Sql.rows(db, "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL")).containsExactly("1");
        assertThat(Sql.rows(db, "SELECT name FROM jobs")).containsExactly("digest");
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedSayingWhatToDo() throws Exception {
        Path db = dir.resolve("otto.db");
        Files.writeString(db, "this is not a database, just some text that is long enough to have a header page".repeat(20));
        // refused by the check before the migration (DatabaseFaultsTest has the rest of such files)
        assertThatThrownBy(() -> JobDatabase.open(db, reporter))
                .hasMessageStartingWith("the job database " + db + " is not a SQLite database (")
                .hasMessageContaining("NOTADB")
                .hasMessageEndingWith("to start with a new, empty database");
    }

    @Test
    void aLooseFileModeIsTightenedToOwnerOnly() throws Exception {
        Path db = dir.resolve("otto.db");
        JobDatabase.open(db, reporter).close();
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        reporter.lines.clear();
        JobDatabase.open(db, reporter).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
        assertThat(reporter.lines).contains("WARN tightened the permissions of " + db + " to 0600 (owner only)");
    }

    private Path migrations(String name, Map<String, String> files) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("migrations-" + name));
        for (var file : files.entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        return folder;
    }

    /** A migration exactly as the bundle ships it. */
    private static String shipped(String name) throws IOException {
        try (InputStream in = MigrationTest.class.getResourceAsStream("/db/migration/" + name)) {
            if (in == null) {
                throw new AssertionError("no shipped migration " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
