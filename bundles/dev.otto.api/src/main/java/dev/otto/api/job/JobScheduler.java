package dev.otto.api.job;

import java.time.Instant;
import java.util.Optional;

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

    /**
     * Checks a schedule with the scheduler's own parser, the one every tick uses, so that nothing
     * it would refuse is stored. Accepted: an ISO-8601 interval from one second to 366 days, or a
     * five-field cron expression that matches at least one date; at most 100 characters.
     *
     * @param schedule the schedule as an operator gave it
     * @return the first time a job with this schedule, added or changed now, would be due
     * @throws IllegalArgumentException with one line saying why the schedule can never fire (or is
     *     not understood) and the accepted forms
     * @since 1.3
     */
    Instant checkSchedule(String schedule);

    /**
     * Tells the scheduler that a job was changed (schedule, enabled, prompt, ...): it looks for due
     * jobs at once instead of at its next tick. A job's schedule counts from its last start or its
     * last change, whichever is later.
     *
     * @param jobId the job
     * @return when the job is next due as the scheduler sees it now, or empty if it is disabled
     *     or its schedule is invalid
     * @throws NoSuchJobException if there is no job with that id
     * @since 1.3
     */
    Optional<Instant> reschedule(long jobId);
}
