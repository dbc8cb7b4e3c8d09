package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

class JobCommandsTest {

    private static final Instant CREATED = Instant.parse("2026-11-21T11:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String PROMPT = "Summarize the failures of the day. Secret-ish detail: do not list.";

    private final InMemoryJobs repository = new InMemoryJobs();
    private final StoredRuns runs = new StoredRuns();
    private final FakeScheduler scheduler = new FakeScheduler();
    private final JobCommands commands = new JobCommands(repository, runs, scheduler, Clock.fixed(NOW, ZoneOffset.UTC));

    @TempDir
    Path dir;

    private String add(String name, String flow, String model) {
        return commands.jobadd(name, flow, "0 3 * * *", PROMPT, "", model, "", "", "", false, false);
    }

    @Test
    void jobAddStoresTheJobAndSaysWhatItAdded() {
        assertThat(add("nightly-digest", "scheduledTasks", "openai/gpt-5.2")).isEqualTo(
                "Added job 1 nightly-digest: scheduledTasks, '0 3 * * *', enabled, model openai/gpt-5.2, prompt "
                        + PROMPT.length() + " chars. Next run at 2026-11-22T03:00:00Z.");
        Job job = repository.get(1).orElseThrow();
        assertThat(job.toDraft()).isEqualTo(new JobDraft("nightly-digest", Flow.SCHEDULED_TASKS, "0 3 * * *", PROMPT, true,
                ModelRef.parse("openai/gpt-5.2")));
        assertThat(commands.jobadd("pulse", "heartbeat", "*/5 * * * *", "ping", "", "", "", "", "", true, false))
                .isEqualTo("Added job 2 pulse: heartbeat, '*/5 * * * *', disabled, model (defaults), prompt 4 chars."
                        + " Disabled: the scheduler does not run it ('otto:job-edit 2 --enable' does).");
        assertThat(scheduler.rescheduled).containsExactly(1L, 2L);
        assertThat(repository.get(2).orElseThrow().enabled()).isFalse();
    }

    @Test
    void jobAddReadsAPromptFile() throws Exception {
        Path file = dir.resolve("prompt.txt");
        Files.writeString(file, "line one\nline two\n", StandardCharsets.UTF_8);
        commands.jobadd("digest", "scheduledTasks", "daily", "", file.toString(), "", "", "", "", false, false);
        assertThat(repository.get(1).orElseThrow().prompt()).isEqualTo("line one\nline two\n");
    }

    @Test
    void jobAddSaysWhichFlagIsMissingOrWrong() {
        assertThatThrownBy(() -> add("", "scheduledTasks", ""))
                .hasMessage("missing --name: give the job a short name, e.g. --name nightly-digest");
        assertThatThrownBy(() -> add("n", "", ""))
                .hasMessage("missing --flow: one of interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures");
        assertThatThrownBy(() -> commands.jobadd("n", "heartbeat", "", PROMPT, "", "", "", "", "", false, false))
                .hasMessage("missing --schedule: when the job runs, e.g. --schedule '0 3 * * *'");
        assertThatThrownBy(() -> commands.jobadd("n", "heartbeat", "daily", "", "", "", "", "", "", false, false))
                .hasMessage("missing --prompt: the text the job sends to the model (or --prompt-file <file>)");
        assertThatThrownBy(() -> commands.jobadd("n", "heartbeat", "daily", "p", "f.txt", "", "", "", "", false, false))
                .hasMessage("give either --prompt or --prompt-file, not both");
        Path missing = dir.resolve("nope.txt");
        assertThatThrownBy(() -> commands.jobadd("n", "heartbeat", "daily", "", missing.toString(), "", "", "", "", false, false))
                .hasMessage("cannot read the prompt file " + missing + ": it does not exist");
        assertThatThrownBy(() -> add("n", "nightly", ""))
                .hasMessage("unknown flow \"nightly\": expected one of interactiveAssistant, scheduledTasks, heartbeat,"
                        + " watchdogFailures");
        assertThatThrownBy(() -> add("n", "heartbeat", "gpt-5.2"))
                .hasMessage("invalid model reference \"gpt-5.2\": it has no '/' between provider and model;"
                        + " expected provider/model, e.g. openai/gpt-5.2");
        assertThatThrownBy(() -> add("  ", "heartbeat", "")).hasMessageStartingWith("--name is blank");
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void jobsListsAlignedColumnsWithThePromptLengthButNeverItsText() {
        add("nightly-digest", "scheduledTasks", "openai/gpt-5.2");
        add("pulse", "heartbeat", "");
        String text = commands.jobs("", false);
        assertThat(text).doesNotContain(PROMPT).doesNotContain("Secret");
        List<String> lines = text.lines().collect(Collectors.toList());
        assertThat(lines).containsExactly(
                "ID  NAME            FLOW            SCHEDULE   ENABLED  MODEL           PROMPT    UPDATED",
                "1   nightly-digest  scheduledTasks  0 3 * * *  yes      openai/gpt-5.2  " + PROMPT.length() + " chars  1h ago",
                "2   pulse           heartbeat       0 3 * * *  yes      (defaults)      " + PROMPT.length() + " chars  1h ago");
        assertThat(commands.jobs("heartbeat", false).lines()).hasSize(2).last().asString().startsWith("2   pulse");
        assertThat(commands.jobs("watchdogFailures", false))
                .isEqualTo("No jobs in flow watchdogFailures. 'otto:job-add' adds one.");
        assertThatThrownBy(() -> commands.jobs("nightly", false)).hasMessageStartingWith("unknown flow \"nightly\"");
    }

    @Test
    void jobsJsonHasEveryFieldButThePrompt() throws Exception {
        add("nightly-digest", "scheduledTasks", "openai/gpt-5.2");
        JsonNode json = new ObjectMapper().readTree(commands.jobs("", true));
        JsonNode job = json.get("jobs").get(0);
        assertThat(job.get("id").asLong()).isEqualTo(1);
        assertThat(job.get("model_ref").asText()).isEqualTo("openai/gpt-5.2");
        assertThat(job.get("prompt_chars").asInt()).isEqualTo(PROMPT.length());
        assertThat(job.has("prompt")).isFalse();
        assertThat(job.get("created_at").asText()).isEqualTo(CREATED.toString());
        assertThat(json.get("flow").isNull()).isTrue();
    }

    @Test
    void jobShowsOneJobWithItsPromptInFull() throws Exception {
        add("nightly-digest", "scheduledTasks", "");
        String text = commands.job(false, "1");
        assertThat(text).contains(
                "JOB            1",
                "name           nightly-digest",
                "schedule       0 3 * * *",
                "model          (none: the scheduledTasks flow default, then the OpenCode global default)",
                "sops           (none)",
                "pre-run hook   (none)",
                "created        2026-11-21T11:00:00Z (1h ago)",
                "prompt         " + PROMPT.length() + " chars:");
        assertThat(text).contains(PROMPT + System.lineSeparator());
        JsonNode json = new ObjectMapper().readTree(commands.job(true, "1"));
        assertThat(json.get("prompt").asText()).isEqualTo(PROMPT);
        assertThat(json.get("model_ref").isNull()).isTrue();
    }

    @Test
    void jobModelSetsAndClearsTheOverride() throws Exception {
        add("nightly-digest", "scheduledTasks", "");
        assertThat(commands.jobmodel(false, "1", "openrouter/google/gemini-3-pro"))
                .isEqualTo("Job 1 nightly-digest now uses openrouter/google/gemini-3-pro.");
        assertThat(repository.get(1).orElseThrow().modelRef()).isEqualTo(ModelRef.parse("openrouter/google/gemini-3-pro"));
        assertThat(commands.job(false, "1")).contains("model          openrouter/google/gemini-3-pro (job override)");
        assertThat(commands.jobmodel(false, "1", "none")).isEqualTo(
                "Job 1 nightly-digest now uses the defaults: the scheduledTasks flow default, then the OpenCode global default.");
        assertThat(repository.get(1).orElseThrow().modelRef()).isNull();
        JsonNode json = new ObjectMapper().readTree(commands.jobmodel(true, "1", "openai/gpt-5.2"));
        assertThat(json.get("model_ref").asText()).isEqualTo("openai/gpt-5.2");
    }

    @Test
    void jobModelSaysWhatIsWrongWithTheIdOrTheModel() {
        add("nightly-digest", "scheduledTasks", "");
        assertThatThrownBy(() -> commands.jobmodel(false, "9", "openai/gpt-5.2"))
                .hasMessage("no job with id 9: 'otto:jobs' lists the existing ids");
        assertThatThrownBy(() -> commands.jobmodel(false, "one", "openai/gpt-5.2"))
                .hasMessage("job id \"one\" is not a job id (a positive number): 'otto:jobs' lists the existing ids");
        assertThatThrownBy(() -> commands.jobmodel(false, "1", "gpt-5.2"))
                .hasMessage("invalid model reference \"gpt-5.2\": it has no '/' between provider and model;"
                        + " expected provider/model, e.g. openai/gpt-5.2, or none for the defaults");
        assertThat(repository.get(1).orElseThrow().modelRef()).isNull();
    }

    @Test
    void jobRmRemovesAndNamesTheJob() {
        add("nightly-digest", "scheduledTasks", "");
        assertThat(commands.jobrm(false, false, "1")).isEqualTo("Removed job 1 nightly-digest.");
        assertThat(repository.list()).isEmpty();
        assertThatThrownBy(() -> commands.jobrm(false, false, "1")).hasMessage("no job with id 1: 'otto:jobs' lists the existing ids");
        assertThatThrownBy(() -> commands.job(false, "0"))
                .hasMessage("job id \"0\" is not a job id (a positive number): 'otto:jobs' lists the existing ids");
        assertThat(commands.jobs("", false)).isEqualTo("No jobs. 'otto:job-add' adds one.");
    }

    @Test
    void withoutThePersistenceBundleEveryCommandSaysSo() {
        JobCommands alone = new JobCommands(Clock.systemUTC());
        String expected = "the job database is not available: the persistence bundle (dev.otto.persistence) is stopped"
                + " or refused its database; 'otto:status' shows why";
        assertThatThrownBy(() -> alone.jobs("", false)).hasMessage(expected);
        assertThatThrownBy(() -> alone.job(false, "1")).hasMessage(expected);
        assertThatThrownBy(() -> alone.jobadd("n", "heartbeat", "daily", "p", "", "", "", "", "", false, false)).hasMessage(expected);
        assertThatThrownBy(() -> alone.jobmodel(false, "1", "none")).hasMessage(expected);
        assertThatThrownBy(() -> alone.jobrm(false, false, "1")).hasMessage(expected);
    }

    /** Runs in a list, newest first; only what otto:job and otto:job-rm read. */
    static final class StoredRuns implements JobRunRepository {
        final List<JobRun> stored = new ArrayList<>();

        @Override
        public JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<JobRun> recordFinish(long runId, JobRunEnd end) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<JobRun> findRun(long runId) {
            return Optional.empty();
        }

        @Override
        public List<JobRun> runsOf(long jobId, int limit) {
            return stored.stream().filter(r -> r.jobId() == jobId).limit(limit).collect(Collectors.toList());
        }

        @Override
        public int abortUnfinished(Instant finishedAt) {
            return 0;
        }
    }

    /** The repository contract in memory. */
    static final class InMemoryJobs implements JobRepository {
        private final TreeMap<Long, Job> jobs = new TreeMap<>();
        private long next = 1;

        @Override
        public Job create(JobDraft d) {
            Job job = new Job(next++, d.name(), d.flow(), d.schedule(), d.prompt(), d.enabled(), d.modelRef(), d.sops(),
                    d.preRunHook(), d.postRunHook(), CREATED, CREATED);
            jobs.put(job.id(), job);
            return job;
        }

        @Override
        public Optional<Job> get(long id) {
            return Optional.ofNullable(jobs.get(id));
        }

        @Override
        public List<Job> list() {
            return List.copyOf(jobs.values());
        }

        @Override
        public List<Job> list(Flow flow) {
            List<Job> out = new ArrayList<>();
            jobs.values().stream().filter(j -> j.flow() == flow).forEach(out::add);
            return List.copyOf(out);
        }

        @Override
        public Job update(long id, JobDraft d) {
            Job old = get(id).orElseThrow(() -> new NoSuchJobException(id));
            Job job = new Job(id, d.name(), d.flow(), d.schedule(), d.prompt(), d.enabled(), d.modelRef(), d.sops(),
                    d.preRunHook(), d.postRunHook(), old.createdAt(), CREATED);
            jobs.put(id, job);
            return job;
        }

        @Override
        public boolean delete(long id) {
            return jobs.remove(id) != null;
        }

        @Override
        public Job setModelRef(long id, ModelRef modelRefOrNull) {
            return update(id, get(id).orElseThrow(() -> new NoSuchJobException(id)).toDraft().withModelRef(modelRefOrNull));
        }
    }

    @Test
    void sopsAndHooksAreSetShownAndClearedWithoutShowingHookArguments() throws Exception {
        assertThat(commands.jobadd("digest", "scheduledTasks", "daily", "p", "", "", "python-env, search.md",
                "scripts/check.sh --token s3cr3t", "notify.sh", false, false))
                .isEqualTo("Added job 1 digest: scheduledTasks, 'daily', enabled, model (defaults), prompt 1 char,"
                        + " SOPs python-env, search, pre-run hook scripts/check.sh (2 arguments, timeout default),"
                        + " post-run hook notify.sh (0 arguments, timeout default). Next run at 2026-11-22T03:00:00Z.");
        Job job = repository.get(1).orElseThrow();
        assertThat(job.sops()).containsExactly("python-env", "search");
        assertThat(job.preRunHook().argv()).containsExactly("scripts/check.sh", "--token", "s3cr3t");

        String shown = commands.job(false, "1");
        assertThat(shown).contains("python-env, search (added before the prompt)")
                .contains("scripts/check.sh (2 arguments, timeout default)").doesNotContain("s3cr3t");
        JsonNode json = new ObjectMapper().readTree(commands.job(true, "1"));
        assertThat(json.get("sops").toString()).isEqualTo("[\"python-env\",\"search\"]");
        assertThat(json.get("pre_run_hook").toString())
                .isEqualTo("{\"program\":\"scripts/check.sh\",\"arguments\":2,\"timeout_ms\":null}");
        assertThat(commands.job(true, "1")).doesNotContain("s3cr3t");

        assertThat(commands.jobhook(false, "PT30S", "1", "pre-run", "check.sh"))
                .isEqualTo("Job 1 digest pre-run hook: check.sh (0 arguments, timeout 30s).");
        assertThat(repository.get(1).orElseThrow().preRunHook().timeout()).hasSeconds(30);
        assertThat(repository.get(1).orElseThrow().postRunHook().program()).isEqualTo("notify.sh");
        assertThat(commands.jobhook(false, "", "1", "post-run", "none")).isEqualTo("Job 1 digest post-run hook: (none).");
        assertThat(commands.jobsops(false, "1", "none")).isEqualTo("Job 1 digest names no SOPs.");
        assertThat(repository.get(1).orElseThrow().sops()).isEmpty();
        assertThat(commands.jobsops(false, "1", "python-env")).isEqualTo(
                "Job 1 digest adds SOPs python-env before its prompt (a missing one is skipped with a warning).");

        assertThatThrownBy(() -> commands.jobhook(false, "", "1", "mid-run", "x"))
                .hasMessage("hook phase \"mid-run\" is not known: pre-run or post-run");
        assertThatThrownBy(() -> commands.jobhook(false, "soon", "1", "pre-run", "x"))
                .hasMessage("--timeout soon is not an ISO-8601 duration: e.g. PT30S");
        assertThatThrownBy(() -> commands.jobsops(false, "1", "a,../b"))
                .hasMessageStartingWith("invalid SOP name \"../b\"");
        assertThatThrownBy(() -> commands.jobsops(false, "1", "a,a")).hasMessage("SOP a is named twice: name each SOP once");
        assertThatThrownBy(() -> commands.jobsops(false, "9", "a")).hasMessage("no job with id 9: 'otto:jobs' lists the existing ids");
    }

    @Test
    void jobShowsTheLatestRunsWithTheirNotes() {
        add("nightly-digest", "scheduledTasks", "");
        List<dev.otto.api.job.JobRun> stored = new ArrayList<>();
        dev.otto.api.job.JobRunRepository runs = new dev.otto.api.job.JobRunRepository() {
            @Override
            public dev.otto.api.job.JobRun recordStart(long jobId, dev.otto.api.job.JobRunTrigger trigger, Instant startedAt) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<dev.otto.api.job.JobRun> recordFinish(long runId, dev.otto.api.job.JobRunEnd end) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<dev.otto.api.job.JobRun> findRun(long runId) {
                return Optional.empty();
            }

            @Override
            public List<dev.otto.api.job.JobRun> runsOf(long jobId, int limit) {
                return stored.stream().limit(limit).collect(Collectors.toList());
            }

            @Override
            public int abortUnfinished(Instant finishedAt) {
                return 0;
            }
        };
        JobCommands withRuns = new JobCommands(repository, runs, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(withRuns.job(false, "1")).endsWith("No runs yet; 'otto:job-run 1' runs it now." + System.lineSeparator());

        stored.add(dev.otto.api.job.JobRun.started(2, 1, dev.otto.api.job.JobRunTrigger.SCHEDULE, NOW.minusSeconds(60))
                .finish(dev.otto.api.job.JobRunEnd.skipped(NOW.minusSeconds(59), "skipped: pre-run hook check.sh exited with status 3")));
        stored.add(dev.otto.api.job.JobRun.started(1, 1, dev.otto.api.job.JobRunTrigger.MANUAL, NOW.minusSeconds(3600))
                .finish(dev.otto.api.job.JobRunEnd.aborted(NOW.minusSeconds(3500))));
        String text = withRuns.job(false, "1");
        assertThat(text).contains("Latest runs:")
                .containsPattern("RUN +TRIGGER +STARTED +OUTCOME +MODEL +ATTEMPTS +NOTE")
                .containsPattern("2 +schedule +1m ago +skipped +- +0 +skipped: pre-run hook check.sh exited with status 3")
                .containsPattern("1 +manual +1h ago +aborted +- +0");
        assertThat(text.indexOf("2    schedule")).isLessThan(text.indexOf("1    manual"));
    }
}
