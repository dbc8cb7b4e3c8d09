package dev.otto.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.support.sqlite.Reporter;

/** The job_runs table through the repository, on a real file. */
class JobRunTableTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00.123Z");
    private static final ModelRef GPT = ModelRef.parse("openai/gpt-5.2");

    @TempDir
    Path dir;

    private SqliteJobRepository repository;
    private Job job;

    @BeforeEach
    void open() {
        repository = new SqliteJobRepository(JobDatabase.open(dir.resolve("otto.db"), Reporter.NONE), Clock.systemUTC());
        job = repository.create(new JobDraft("digest", Flow.SCHEDULED_TASKS, "PT15M", "secret prompt", true, GPT));
    }

    @AfterEach
    void close() {
        repository.close();
    }

    private static JobRunEnd success(Instant at) {
        return new JobRunEnd(at, JobRunOutcome.SUCCESS, "run-1", ResolutionSource.JOB, GPT, ReasonCode.NONE, null,
                List.of(ReasonCode.PROVIDER_5XX, ReasonCode.CAPACITY), 3, 10, 5);
    }

    @Test
    void aRunIsRecordedRunningThenFinishedWithEveryField() {
        JobRun started = repository.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0);
        assertThat(started.outcome()).isEqualTo(JobRunOutcome.RUNNING);
        assertThat(repository.findRun(started.id())).contains(started);

        JobRun finished = repository.recordFinish(started.id(), success(T0.plusSeconds(2))).orElseThrow();
        assertThat(finished).isEqualTo(started.finish(success(T0.plusSeconds(2))));
        assertThat(finished.duration()).hasValue(java.time.Duration.ofSeconds(2));
        assertThat(repository.findRun(started.id())).contains(finished);
    }

    @Test
    void aFinishedRunKeepsItsFirstEnd() {
        JobRun started = repository.recordStart(job.id(), JobRunTrigger.MANUAL, T0);
        assertThat(repository.abortUnfinished(T0.plusSeconds(1))).isEqualTo(1);
        JobRun kept = repository.recordFinish(started.id(), success(T0.plusSeconds(5))).orElseThrow();
        assertThat(kept.outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(kept.finishedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(repository.abortUnfinished(T0.plusSeconds(9))).isZero();
    }

    @Test
    void runsOfListsNewestFirstWithinTheLimit() {
        JobRun first = repository.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0);
        repository.recordFinish(first.id(), new JobRunEnd(T0.plusSeconds(1), JobRunOutcome.FAILED, "run-2",
                ResolutionSource.JOB, GPT, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, List.of(), 1, 0, 0));
        JobRun second = repository.recordStart(job.id(), JobRunTrigger.WATCHDOG, T0.plusSeconds(2));
        JobRun third = repository.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0.plusSeconds(3));
        assertThat(repository.runsOf(job.id(), 2)).extracting(JobRun::id).containsExactly(third.id(), second.id());
        JobRun failed = repository.runsOf(job.id(), 10).get(2);
        assertThat(failed.errorClass()).isEqualTo(ErrorClass.TIMEOUT_ERROR);
        assertThat(failed.fallbackReasons()).isEmpty();
        assertThatThrownBy(() -> repository.runsOf(job.id(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunOfAnUnknownJobIsRefusedAndADeletedJobTakesItsRunsAlong() {
        assertThatThrownBy(() -> repository.recordStart(99, JobRunTrigger.SCHEDULE, T0))
                .isInstanceOf(NoSuchJobException.class);
        JobRun started = repository.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0);
        assertThat(repository.delete(job.id())).isTrue();
        assertThat(repository.findRun(started.id())).isEmpty();
        assertThat(repository.recordFinish(started.id(), success(T0.plusSeconds(1)))).isEmpty();
    }

    @Test
    void aFinishBeforeTheStartIsClampedToTheStart() {
        JobRun started = repository.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0);
        JobRun finished = repository.recordFinish(started.id(), JobRunEnd.aborted(T0.minusSeconds(30))).orElseThrow();
        assertThat(finished.finishedAt()).isEqualTo(T0);
        assertThat(finished.resolutionSource()).isNull();
    }
}
