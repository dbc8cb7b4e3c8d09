package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;

class JobRunCommandsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef GPT = ModelRef.parse("openai/gpt-5.2");

    private static JobRun run(JobRunEnd end) {
        return JobRun.started(17, 3, JobRunTrigger.MANUAL, T0).finish(end);
    }

    @Test
    void aSuccessfulRunPrintsOneLine() {
        JobRun run = run(new JobRunEnd(T0.plusMillis(1_500), JobRunOutcome.SUCCESS, "r1", ResolutionSource.JOB, GPT,
                ReasonCode.NONE, null, List.of(ReasonCode.PROVIDER_5XX), 2, 10, 5));
        assertThat(new JobRunCommands(FakeScheduler.running(id -> run)).jobrun(false, "3"))
                .isEqualTo("Job 3 run 17: success on openai/gpt-5.2 (job), 2 attempts (fallback: provider_5xx),"
                        + " 10 in / 5 out tokens, 1s.");
        assertThat(new JobRunCommands(FakeScheduler.running(id -> run)).jobrun(true, "3")).contains("\"resolution_source\" : \"job\"");
    }

    @Test
    void aFailedRunFailsTheCommandWithTheSameLine() {
        JobRun run = run(new JobRunEnd(T0.plusSeconds(2), JobRunOutcome.FAILED, "r1", ResolutionSource.FLOW_DEFAULT, GPT,
                ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, List.of(ReasonCode.TIMEOUT), 1, 0, 0));
        assertThatThrownBy(() -> new JobRunCommands(FakeScheduler.running(id -> run)).jobrun(false, "3"))
                .hasMessage("Job 3 run 17: failed on openai/gpt-5.2 (flow_default), 1 attempt (fallback: timeout),"
                        + " reason timeout (TimeoutError), 0 in / 0 out tokens, 2s.");
    }

    @Test
    void unknownJobsBadIdsAndAMissingSchedulerSayWhatToDo() {
        assertThatThrownBy(() -> new JobRunCommands(FakeScheduler.running(id -> {
            throw new NoSuchJobException(id);
        })).jobrun(false, "9")).hasMessage("no job with id 9: 'otto:jobs' lists the existing ids");
        assertThatThrownBy(() -> new JobRunCommands(FakeScheduler.running(id -> null)).jobrun(false, "x")).hasMessageContaining("is not a job id");
        assertThatThrownBy(() -> new JobRunCommands(null).jobrun(false, "1"))
                .hasMessageStartingWith("the scheduler is not available");
    }
}
