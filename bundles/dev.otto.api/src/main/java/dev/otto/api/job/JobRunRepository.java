package dev.otto.api.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable record of job runs ({@code job_runs}): every run the scheduler starts gets a row when it
 * starts and has it finished when it ends. A method that returns has made its change durable.
 * The runs of a deleted job are deleted with it.
 */
@ProviderType
public interface JobRunRepository {

    /**
     * Records that a run started, with outcome {@link JobRunOutcome#RUNNING}.
     *
     * @param jobId the job
     * @param trigger why it started
     * @param startedAt when
     * @return the stored run with its new id
     * @throws NoSuchJobException if there is no job with that id
     */
    JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt);

    /**
     * Records how a running run ended. A run that is already finished (e.g. marked aborted by
     * {@link #abortUnfinished}) keeps its first end.
     *
     * @param runId the run's id
     * @param end how it ended
     * @return the run as stored, or empty if there is no such run (its job was deleted meanwhile)
     */
    Optional<JobRun> recordFinish(long runId, JobRunEnd end);

    /**
     * Reads one run.
     *
     * @param runId the run's id
     * @return the run, or empty if there is none
     */
    Optional<JobRun> findRun(long runId);

    /**
     * Lists a job's most recent runs, of every trigger.
     *
     * @param jobId the job
     * @param limit the most to return, positive
     * @return the runs, newest first; unmodifiable
     */
    List<JobRun> runsOf(long jobId, int limit);

    /**
     * Marks every run still recorded as running as {@link JobRunOutcome#ABORTED}: a process that
     * died (or a scheduler that could not finish its rows) leaves such rows behind.
     *
     * @param finishedAt the finish time to record
     * @return how many runs were marked
     */
    int abortUnfinished(Instant finishedAt);
}
