package dev.otto.api.job;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The scheduler: runs enabled jobs when they are due, each through the router with its flow and
 * model, never two runs of one job at once, and records every run in the {@link JobRunRepository}.
 */
@ProviderType
public interface JobScheduler {

    /**
     * Runs a job now, in the caller's thread, enabled or not, and records it like a scheduled run
     * (trigger {@link JobRunTrigger#MANUAL}). Its failures count towards the watchdog like any other.
     *
     * @param jobId the job
     * @return the finished run, whatever its outcome
     * @throws NoSuchJobException if there is no job with that id
     * @throws IllegalStateException if the job is running already, or the scheduler is stopping;
     *     the message says which
     */
    JobRun runNow(long jobId);
}
