package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunTrigger;

/** What job-add refuses before storing anything, how otto:job prints what an operator wrote, and what job-rm keeps. */
class JobInputTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final JobCommandsTest.InMemoryJobs repository = new JobCommandsTest.InMemoryJobs();
    private final JobCommandsTest.StoredRuns runs = new JobCommandsTest.StoredRuns();
    private final JobCommands commands = new JobCommands(repository, runs, new FakeScheduler(), Clock.fixed(NOW, ZoneOffset.UTC));

    @TempDir
    Path dir;

    private String add(String name, String schedule, String prompt, String promptFile) {
        return commands.jobadd(name, "scheduledTasks", schedule, prompt, promptFile, "", "", "", "", false, false);
    }

    @Test
    void aScheduleTheSchedulerRefusesIsNotStored() {
        assertThatThrownBy(() -> add("n", "never 30 2 *", "p", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("schedule 'never 30 2 *' never fires: test");
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void withoutTheSchedulerNoScheduleCanBeCheckedSoNothingIsStored() {
        JobCommands noScheduler = new JobCommands(repository, runs, null, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> noScheduler.jobadd("n", "heartbeat", "PT5M", "p", "", "", "", "", "", false, false))
                .hasMessageStartingWith("cannot check the schedule: the scheduler is not available");
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void aHugePromptInlineOrInASparseFileIsRefusedAndNothingIsStored() throws Exception {
        assertThatThrownBy(() -> add("n", "PT5M", "x".repeat(1024 * 1024), ""))
                .hasMessage("--prompt is 1 MiB (1048576 bytes): a prompt is at most 256 KiB (262144 bytes); shorten it");
        Path huge = dir.resolve("huge.txt");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(10L * 1024 * 1024 * 1024);
        }
        assertThatThrownBy(() -> add("n", "PT5M", "", huge.toString()))
                .hasMessage("cannot read the prompt file " + huge + ": it is 10 GiB (10737418240 bytes), a prompt is at"
                        + " most 256 KiB (262144 bytes); shorten it");
        assertThatThrownBy(() -> add("n", "PT5M", "", dir.toString()))
                .hasMessage("cannot read the prompt file " + dir + ": it is a directory; give the file that holds the prompt");
        assertThatThrownBy(() -> add("bad\u001bname", "PT5M", "p", "")).hasMessageStartingWith("--name has a control character");
        assertThat(repository.list()).isEmpty();
    }

    @Test
    void ottoJobPrintsAPromptsEscapeSequencesEscapedAndKeepsItsLines() {
        add("digest", "PT5M", "line one \u001b[2J\u001b]0;pwned\u0007\nline \u202eTWO\n", "");
        String shown = commands.job(false, "1");
        assertThat(shown).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e")
                .contains("line one \\u001b[2J\\u001b]0;pwned\\u0007" + System.lineSeparator() + "line \\u202eTWO");
    }

    @Test
    void aJobWithRecordedRunsIsKeptUnlessPurgeSaysOtherwise() {
        add("digest", "PT5M", "p", "");
        runs.stored.add(JobRun.started(7, 1, JobRunTrigger.SCHEDULE, NOW.minusSeconds(60))
                .finish(JobRunEnd.aborted(NOW.minusSeconds(59))));
        assertThatThrownBy(() -> commands.jobrm(false, false, "1"))
                .hasMessage("job 1 digest has recorded runs, which removing it would delete: 'otto:job-edit 1 --disable'"
                        + " stops it and keeps them, 'otto:job-rm --purge 1' removes the job and its run history");
        assertThat(repository.get(1)).isPresent();
        assertThat(commands.jobrm(false, true, "1")).isEqualTo("Removed job 1 digest and its run history.");
        assertThat(repository.get(1)).isEmpty();
    }

    @Test
    void withoutTheRunRecordARemoveNeedsPurgeBecauseNobodyCanTellWhatItDeletes() {
        JobCommands noRuns = new JobCommands(repository, null, new FakeScheduler(), Clock.fixed(NOW, ZoneOffset.UTC));
        noRuns.jobadd("digest", "heartbeat", "PT5M", "p", "", "", "", "", "", false, false);
        assertThatThrownBy(() -> noRuns.jobrm(false, false, "1")).hasMessageContaining("--purge");
        assertThat(noRuns.jobrm(true, true, "1")).contains("\"runs_deleted\" : true");
    }
}
