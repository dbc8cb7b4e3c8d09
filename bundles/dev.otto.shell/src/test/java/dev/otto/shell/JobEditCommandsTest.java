package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

/** otto:job-edit: only the fields given change, with job-add's checks, and the scheduler is told at once. */
class JobEditCommandsTest {

    private final JobCommandsTest.InMemoryJobs repository = new JobCommandsTest.InMemoryJobs();
    private final FakeScheduler scheduler = new FakeScheduler();
    private final JobEditCommands commands = new JobEditCommands(repository, scheduler);

    @TempDir
    Path dir;

    private Job stored() {
        return repository.create(new JobDraft("nightly", Flow.SCHEDULED_TASKS, "0 3 * * *", "the prompt", false, null));
    }

    private String edit(String schedule, String flow, String prompt, String model, boolean enable, boolean disable) {
        return commands.jobedit(schedule, flow, prompt, "", model, "", enable, disable, false, "1");
    }

    @Test
    void changesOnlyTheFieldsGivenShowsThemAlignedAndTellsTheScheduler() {
        stored();
        String out = edit("PT30M", "", "", "openai/gpt-5.2", true, false);
        assertThat(out.lines()).containsExactly(
                "Changed job 1 nightly. Next run at 2026-11-22T03:00:00Z.",
                "FIELD     BEFORE      AFTER",
                "schedule  0 3 * * *   PT30M",
                "enabled   no          yes",
                "model     (defaults)  openai/gpt-5.2");
        Job job = repository.get(1).orElseThrow();
        assertThat(job.toDraft()).isEqualTo(new JobDraft("nightly", Flow.SCHEDULED_TASKS, "PT30M", "the prompt", true,
                ModelRef.parse("openai/gpt-5.2")));
        assertThat(scheduler.rescheduled).containsExactly(1L);

        assertThat(edit("", "heartbeat", "new text", "none", false, true).lines()).containsExactly(
                "Changed job 1 nightly. Disabled: the scheduler does not run it ('otto:job-edit 1 --enable' does).",
                "FIELD    BEFORE          AFTER",
                "flow     scheduledTasks  heartbeat",
                "enabled  yes             no",
                "model    openai/gpt-5.2  (defaults)",
                "prompt   10 chars        8 chars");
        assertThat(repository.get(1).orElseThrow().prompt()).isEqualTo("new text");
    }

    @Test
    void jsonHasTheJobTheChangesAndTheNextRun() throws Exception {
        stored();
        JsonNode json = new ObjectMapper().readTree(commands.jobedit("", "", "", "", "", "digest", true, false, true, "1"));
        assertThat(json.get("name").asText()).isEqualTo("digest");
        assertThat(json.get("changed").get("name").get("before").asText()).isEqualTo("nightly");
        assertThat(json.get("changed").get("enabled").get("after").asText()).isEqualTo("yes");
        assertThat(json.get("next_run").asText()).isEqualTo("2026-11-22T03:00:00Z");
        assertThat(json.has("prompt")).isFalse();
    }

    @Test
    void aRefusedEditChangesNothing() {
        Job before = stored();
        assertThatThrownBy(() -> edit("never 30 2 *", "", "", "", false, false)).hasMessage("schedule 'never 30 2 *' never fires: test");
        assertThatThrownBy(() -> edit("", "", "x".repeat(300 * 1024), "", false, false)).hasMessageStartingWith("--prompt is 300 KiB");
        assertThatThrownBy(() -> commands.jobedit("", "", "", dir.toString(), "", "", false, false, false, "1"))
                .hasMessage("cannot read the prompt file " + dir + ": it is a directory; give the file that holds the prompt");
        assertThatThrownBy(() -> edit("", "nightly", "", "", false, false)).hasMessageStartingWith("unknown flow \"nightly\"");
        assertThatThrownBy(() -> edit("", "", "", "gpt", false, false)).hasMessageStartingWith("invalid model reference");
        assertThatThrownBy(() -> edit("", "", "", "", true, true)).hasMessage("give --enable or --disable, not both");
        assertThatThrownBy(() -> edit("", "", "", "", false, false)).hasMessageStartingWith("nothing to change: give --schedule");
        assertThatThrownBy(() -> commands.jobedit("", "", "", "", "", "", true, false, false, "9"))
                .hasMessage("no job with id 9: 'otto:jobs' lists the existing ids");
        assertThat(repository.get(1).orElseThrow()).isEqualTo(before);
        assertThat(scheduler.rescheduled).isEmpty();
    }

    @Test
    void enablingAJobWhoseStoredScheduleCanNeverFireIsRefused() {
        repository.create(new JobDraft("old", Flow.HEARTBEAT, "never 31 4 *", "p", false, null));
        assertThatThrownBy(() -> edit("", "", "", "", true, false)).hasMessage("schedule 'never 31 4 *' never fires: test");
        assertThat(edit("PT5M", "", "", "", true, false)).startsWith("Changed job 1 old. Next run at");
    }

    @Test
    void withoutTheSchedulerAScheduleCannotBeChangedButAPromptCan() {
        stored();
        JobEditCommands alone = new JobEditCommands(repository, null);
        assertThatThrownBy(() -> alone.jobedit("PT5M", "", "", "", "", "", false, false, false, "1"))
                .hasMessageStartingWith("cannot check the schedule: the scheduler is not available");
        assertThat(alone.jobedit("", "", "p2", "", "", "", false, false, false, "1"))
                .startsWith("Changed job 1 nightly. The scheduler is not running: it reads the job when it starts.");
        assertThat(edit("", "", "p2", "", false, false)).isEqualTo("Job 1 nightly already has these values: nothing changed.");
    }
}
