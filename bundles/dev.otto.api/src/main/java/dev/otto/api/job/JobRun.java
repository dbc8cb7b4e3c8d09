package dev.otto.api.job;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One recorded run of a job (a row of {@code job_runs}). Holds ids, times, model references and
 * fixed names only: never prompt text, answers or provider messages.
 *
 * @param id the run's database id, positive
 * @param jobId the job's id, positive
 * @param trigger why it started
 * @param startedAt when it started
 * @param finishedAt when it ended, or null while {@link JobRunOutcome#RUNNING}
 * @param outcome how it ended, or {@link JobRunOutcome#RUNNING}
 * @param routerRunId the router's run id (as in telemetry), or null
 * @param resolutionSource how the first model was chosen ({@code job} when the job's own model
 *     was used), or null if unknown
 * @param finalModel the model of the last attempt, or null if none was made
 * @param reason {@code none} on success, else the reason code that ended the run; null if unknown
 * @param errorClass the error class of a failure, or null
 * @param fallbackReasons the reason code of each failed attempt, in order; copied
 * @param attempts how many attempts were made
 * @param tokensIn input tokens over all attempts
 * @param tokensOut output tokens over all attempts
 * @param note one line on what else happened (a skip reason, a failed post-run hook), or null; see
 *     {@link JobRunEnd#note()}; since 1.2
 */
public record JobRun(
        long id,
        long jobId,
        JobRunTrigger trigger,
        Instant startedAt,
        Instant finishedAt,
        JobRunOutcome outcome,
        String routerRunId,
        ResolutionSource resolutionSource,
        ModelRef finalModel,
        ReasonCode reason,
        ErrorClass errorClass,
        List<ReasonCode> fallbackReasons,
        int attempts,
        long tokensIn,
        long tokensOut,
        String note) {

    /** Validates the fields and that a run is finished exactly when its outcome is not running. */
    public JobRun {
        if (id <= 0 || jobId <= 0) {
            throw new IllegalArgumentException("run id " + id + " and job id " + jobId + ": expected positive ids");
        }
        Objects.requireNonNull(trigger, "trigger must not be null");
        Objects.requireNonNull(startedAt, "startedAt must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        if ((finishedAt == null) != (outcome == JobRunOutcome.RUNNING)) {
            throw new IllegalArgumentException("run " + id + " has outcome " + outcome.wireName() + " and finishedAt "
                    + finishedAt + ": a running run has no finish time and a finished one has one");
        }
        fallbackReasons = List.copyOf(Objects.requireNonNull(fallbackReasons, "fallbackReasons must not be null"));
        note = JobRunEnd.cleanNote(note);
    }

    /**
     * A run with no note (the fields of version 1.1).
     *
     * @param id the run's id
     * @param jobId the job's id
     * @param trigger why it started
     * @param startedAt when it started
     * @param finishedAt when it ended, or null while running
     * @param outcome how it ended
     * @param routerRunId the router's run id, or null
     * @param resolutionSource how the first model was chosen, or null
     * @param finalModel the model of the last attempt, or null
     * @param reason the reason code that ended it, or null
     * @param errorClass the error class of a failure, or null
     * @param fallbackReasons the reason code of each failed attempt
     * @param attempts how many attempts were made
     * @param tokensIn input tokens
     * @param tokensOut output tokens
     */
    public JobRun(long id, long jobId, JobRunTrigger trigger, Instant startedAt, Instant finishedAt,
            JobRunOutcome outcome, String routerRunId, ResolutionSource resolutionSource, ModelRef finalModel,
            ReasonCode reason, ErrorClass errorClass, List<ReasonCode> fallbackReasons, int attempts, long tokensIn,
            long tokensOut) {
        this(id, jobId, trigger, startedAt, finishedAt, outcome, routerRunId, resolutionSource, finalModel, reason,
                errorClass, fallbackReasons, attempts, tokensIn, tokensOut, null);
    }

    /**
     * A run that has just started.
     *
     * @param id the run's id
     * @param jobId the job's id
     * @param trigger why it started
     * @param startedAt when
     * @return the running run
     */
    public static JobRun started(long id, long jobId, JobRunTrigger trigger, Instant startedAt) {
        return new JobRun(id, jobId, trigger, startedAt, null, JobRunOutcome.RUNNING, null, null, null, null, null,
                List.of(), 0, 0, 0, null);
    }

    /**
     * Returns this run with its end applied.
     *
     * @param end how it ended
     * @return the finished run
     */
    public JobRun finish(JobRunEnd end) {
        return new JobRun(id, jobId, trigger, startedAt, end.finishedAt(), end.outcome(), end.routerRunId(),
                end.resolutionSource(), end.finalModel(), end.reason(), end.errorClass(), end.fallbackReasons(),
                end.attempts(), end.tokensIn(), end.tokensOut(), end.note());
    }

    /**
     * Returns how long the run took.
     *
     * @return the duration, or empty while it runs
     */
    public Optional<Duration> duration() {
        return finishedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
    }
}
