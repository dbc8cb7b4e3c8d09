package dev.otto.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.testing.MutableClock;

/** Every operation of the SQLite job repository, on a real file, and every validation message. */
class SqliteJobRepositoryTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00.123Z");
    private static final ModelRef GPT = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef ROUTED = ModelRef.parse("openrouter/google/gemini-3-pro");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private Path db;
    private SqliteJobRepository jobs;

    @BeforeEach
    void open() {
        db = dir.resolve("otto.db");
        jobs = new SqliteJobRepository(JobDatabase.open(db, Reporter.NONE), clock);
    }

    @AfterEach
    void close() {
        jobs.close();
    }

    private static JobDraft draft(String name, Flow flow) {
        return new JobDraft(name, flow, "0 3 * * *", "Summarize what happened today.", true, null);
    }

    @Test
    void createStoresTheJobWithANewIdAndTimestamps() {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS).withModelRef(GPT));
        assertThat(created.id()).isEqualTo(1);
        assertThat(created.createdAt()).isEqualTo(T0).isEqualTo(created.updatedAt());
        assertThat(created.modelRef()).isEqualTo(GPT);
        assertThat(jobs.get(1)).contains(created);
        assertThat(jobs.create(draft("pulse", Flow.HEARTBEAT)).id()).isEqualTo(2);
    }

    @Test
    void sopsAndHooksAreStoredAndReadBackExactly() throws Exception {
        HookCommand pre = new HookCommand(List.of("check.sh", "--label", "two words: \"quoted\"\nnext line", ""),
                Duration.ofSeconds(7));
        HookCommand post = HookCommand.of("python3", "notify.py");
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS).withSops(List.of("python-env", "ops.search"))
                .withHooks(pre, post));
        assertThat(jobs.get(created.id())).contains(created);
        Job read = jobs.get(created.id()).orElseThrow();
        assertThat(read.sops()).containsExactly("python-env", "ops.search");
        assertThat(read.preRunHook()).isEqualTo(pre);
        assertThat(read.postRunHook().timeout()).isNull();
        assertThat(Sql.rows(db, "SELECT sops, pre_run_hook, pre_run_timeout_ms, post_run_timeout_ms FROM jobs"))
                .containsExactly("python-env,ops.search|8:check.sh7:--label29:two words: \"quoted\"\nnext line0:|7000|null");

        Job cleared = jobs.update(created.id(), read.toDraft().withSops(List.of()).withHooks(null, null));
        assertThat(jobs.get(created.id())).contains(cleared);
        assertThat(cleared.sops()).isEmpty();
        assertThat(Sql.rows(db, "SELECT sops, pre_run_hook, pre_run_timeout_ms, post_run_hook FROM jobs"))
                .containsExactly("null|null|null|null");
    }

    @Test
    void aHookColumnEditedIntoNonsenseIsNamedWithTheFix() throws Exception {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS).withHooks(HookCommand.of("check.sh"), null));
        Sql.execute(db, "UPDATE jobs SET pre_run_hook = '9:check.sh' WHERE id = " + created.id());
        assertThatThrownBy(() -> jobs.get(created.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("job 1 in " + db + " has an invalid pre_run_hook (argument at character 0 is cut short):"
                        + " set it again with otto:job-hook 1 pre-run ...");
    }

    @Test
    void timestampsAreKeptToTheMillisecond() {
        clock.set(Instant.parse("2026-11-21T12:00:00.123456789Z"));
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        assertThat(created.createdAt()).isEqualTo(Instant.parse("2026-11-21T12:00:00.123Z"));
        assertThat(jobs.get(created.id()).orElseThrow()).isEqualTo(created);
    }

    @Test
    void getOfAnUnknownOrImpossibleIdIsEmpty() {
        jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        assertThat(jobs.get(2)).isEmpty();
        assertThat(jobs.get(0)).isEmpty();
        assertThat(jobs.get(-1)).isEmpty();
    }

    @Test
    void listReturnsAllJobsOrByFlowOrderedById() {
        Job a = jobs.create(draft("a", Flow.SCHEDULED_TASKS));
        Job b = jobs.create(draft("b", Flow.HEARTBEAT));
        Job c = jobs.create(draft("c", Flow.SCHEDULED_TASKS));
        assertThat(jobs.list()).containsExactly(a, b, c);
        assertThat(jobs.list(Flow.SCHEDULED_TASKS)).containsExactly(a, c);
        assertThat(jobs.list(Flow.WATCHDOG_FAILURES)).isEmpty();
        assertThatThrownBy(() -> jobs.list().add(a)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void updateReplacesEveryFieldAndKeepsTheCreationTime() {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS).withModelRef(GPT));
        clock.advance(Duration.ofMinutes(5));
        JobDraft changed = new JobDraft("digest-v2", Flow.WATCHDOG_FAILURES, "*/10 * * * *", "Look at the failures.", false, null);
        Job updated = jobs.update(created.id(), changed);
        assertThat(updated.toDraft()).isEqualTo(changed);
        assertThat(updated.createdAt()).isEqualTo(T0);
        assertThat(updated.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(jobs.get(created.id())).contains(updated);
    }

    @Test
    void aClockThatWentBackNeverMakesUpdatedAtEarlierThanCreatedAt() {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        clock.set(T0.minusSeconds(30));
        assertThat(jobs.update(created.id(), created.toDraft()).updatedAt()).isEqualTo(T0);
        assertThat(jobs.setModelRef(created.id(), GPT).updatedAt()).isEqualTo(T0);
    }

    @Test
    void updateOfAnUnknownIdIsNoSuchJob() {
        assertThatThrownBy(() -> jobs.update(7, draft("x", Flow.HEARTBEAT)))
                .isInstanceOf(NoSuchJobException.class)
                .hasMessage("no job with id 7: list the jobs to see the existing ids")
                .satisfies(e -> assertThat(((NoSuchJobException) e).jobId()).isEqualTo(7));
        assertThat(jobs.list()).isEmpty();
    }

    @Test
    void deleteRemovesTheJobAndItsIdIsNeverGivenAgain() {
        Job a = jobs.create(draft("a", Flow.SCHEDULED_TASKS));
        Job b = jobs.create(draft("b", Flow.SCHEDULED_TASKS));
        assertThat(jobs.delete(b.id())).isTrue();
        assertThat(jobs.delete(b.id())).isFalse();
        assertThat(jobs.delete(0)).isFalse();
        assertThat(jobs.list()).containsExactly(a);
        assertThat(jobs.create(draft("c", Flow.SCHEDULED_TASKS)).id()).isEqualTo(3);
    }

    @Test
    void setModelRefSetsAndClearsOnlyTheModel() {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        clock.advance(Duration.ofSeconds(1));
        Job withModel = jobs.setModelRef(created.id(), ROUTED);
        assertThat(withModel.modelRef()).isEqualTo(ROUTED);
        assertThat(withModel.toDraft().withModelRef(null)).isEqualTo(created.toDraft());
        assertThat(withModel.updatedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(jobs.get(created.id()).orElseThrow().modelOverride()).contains(ROUTED);

        Job cleared = jobs.setModelRef(created.id(), null);
        assertThat(cleared.modelRef()).isNull();
        assertThat(jobs.get(created.id()).orElseThrow().modelOverride()).isEmpty();
    }

    @Test
    void setModelRefOfAnUnknownIdIsNoSuchJob() {
        assertThatThrownBy(() -> jobs.setModelRef(3, GPT))
                .isInstanceOf(NoSuchJobException.class)
                .hasMessage("no job with id 3: list the jobs to see the existing ids");
    }

    @Test
    void jobsSurviveClosingAndOpeningTheDatabase() {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS).withModelRef(GPT));
        jobs.close();
        jobs = new SqliteJobRepository(JobDatabase.open(db, Reporter.NONE), clock);
        assertThat(jobs.list()).containsExactly(created);
    }

    @Test
    void aClosedRepositorySaysSoAndWhatToDo() {
        jobs.close();
        assertThatThrownBy(() -> jobs.list())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the job database " + db + " is closed: the persistence bundle (dev.otto.persistence)"
                        + " is stopping or stopped; start it again");
    }

    // --- validation: the API records' messages, which the shell shows as they are ---

    @Test
    void aMissingOrBlankNameIsRefusedByTheDraft() {
        assertThatThrownBy(() -> new JobDraft(null, Flow.HEARTBEAT, "daily", "p", true, null))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        assertThatThrownBy(() -> new JobDraft("  ", Flow.HEARTBEAT, "daily", "p", true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name must not be blank");
        assertThatThrownBy(() -> new JobDraft("n", Flow.HEARTBEAT, "daily", "", true, null))
                .hasMessage("prompt must not be blank");
    }

    @Test
    void anUnknownFlowIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> Flow.fromWire("nightly"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown flow \"nightly\": expected one of interactiveAssistant, scheduledTasks, heartbeat,"
                        + " watchdogFailures");
    }

    @Test
    void aMalformedModelReferenceIsRefusedShowingTheExpectedForm() {
        assertThatThrownBy(() -> ModelRef.parse("gpt-5.2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid model reference \"gpt-5.2\": it has no '/' between provider and model;"
                        + " expected provider/model, e.g. openai/gpt-5.2");
    }

    // --- validation: what the repository adds ---

    @Test
    void aNullDraftOrFlowIsRefused() {
        assertThatThrownBy(() -> jobs.create(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("draft must not be null");
        assertThatThrownBy(() -> jobs.update(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("draft must not be null");
        assertThatThrownBy(() -> jobs.list(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("flow must not be null");
    }

    @Test
    void namesAndSchedulesAreOneLineLabelsOfAtMost200Characters() {
        assertThatThrownBy(() -> jobs.create(draft("x".repeat(201), Flow.HEARTBEAT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name is 201 characters long: at most 200 are allowed");
        assertThat(jobs.create(draft("x".repeat(200), Flow.HEARTBEAT)).name()).hasSize(200);
        assertThatThrownBy(() -> jobs.create(draft("two\nlines", Flow.HEARTBEAT)))
                .hasMessage("name contains a line break, tab or other control character: write it on one line");
        assertThatThrownBy(() -> jobs.create(draft(" padded", Flow.HEARTBEAT)))
                .hasMessage("name has leading or trailing whitespace: remove it");
        JobDraft badSchedule = new JobDraft("n", Flow.HEARTBEAT, "0 3 * *\t*", "p", true, null);
        assertThatThrownBy(() -> jobs.create(badSchedule))
                .hasMessage("schedule contains a line break, tab or other control character: write it on one line");
        assertThatThrownBy(() -> jobs.update(1, badSchedule))
                .hasMessage("schedule contains a line break, tab or other control character: write it on one line");
        assertThat(jobs.list()).hasSize(1);
    }

    @Test
    void aPromptMayBeLongAndSpanLines() {
        String prompt = "Line one.\n\tLine two.\n" + "word ".repeat(20_000);
        Job created = jobs.create(new JobDraft("long", Flow.SCHEDULED_TASKS, "daily", prompt, true, null));
        assertThat(jobs.get(created.id()).orElseThrow().prompt()).isEqualTo(prompt);
    }

    // --- rows edited by hand ---

    @Test
    void aStoredMalformedModelIsNamedWithTheFixAndTheFixWorks() throws Exception {
        Job created = jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        Sql.execute(db, "UPDATE jobs SET model_ref = 'gpt-5.2' WHERE id = 1");
        assertThatThrownBy(() -> jobs.get(created.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("job 1 in " + db + " has an invalid model_ref (invalid model reference \"gpt-5.2\": it has"
                        + " no '/' between provider and model; expected provider/model, e.g. openai/gpt-5.2): fix it with"
                        + " otto:job-model 1 <provider/model|none>");
        assertThat(jobs.setModelRef(created.id(), GPT).modelRef()).isEqualTo(GPT);
        assertThat(jobs.list()).extracting(Job::modelRef).containsExactly(GPT);
    }

    @Test
    void aStoredUnknownFlowIsNamed() throws Exception {
        jobs.create(draft("digest", Flow.SCHEDULED_TASKS));
        Sql.execute(db, "UPDATE jobs SET flow = 'nightly' WHERE id = 1");
        assertThatThrownBy(() -> jobs.list())
                .hasMessage("job 1 in " + db + " has an invalid flow (unknown flow \"nightly\": expected one of"
                        + " interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures): set a known flow with"
                        + " the sqlite3 tool, or delete the job");
        assertThat(jobs.delete(1)).isTrue();
    }

    // --- concurrency ---

    @Test
    void concurrentWritersOnTwoConnectionsNeverSeeABusyDatabase() throws Exception {
        SqliteJobRepository second = new SqliteJobRepository(JobDatabase.open(db, Reporter.NONE), Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                SqliteJobRepository repo = t % 2 == 0 ? jobs : second;
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        Job job = repo.create(draft("t" + thread + "-" + i, Flow.SCHEDULED_TASKS));
                        // read then write in one transaction: with a deferred BEGIN this is where SQLITE_BUSY hits
                        repo.update(job.id(), job.toDraft().withModelRef(GPT));
                        repo.setModelRef(job.id(), ROUTED);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
            second.close();
        }
        assertThat(jobs.list()).hasSize(100).allSatisfy(job -> assertThat(job.modelRef()).isEqualTo(ROUTED));
    }

}
