package dev.otto.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;

/**
 * Writes runs to {@code job_runs} so that a failing database (a full disk, an I/O error) loses no
 * run's end and floods no log. A run's end that cannot be written is kept (at most {@link
 * #CAPACITY}, oldest first; beyond that counted as dropped, and the next start marks those runs
 * aborted) and written by {@link #retry()} once the database takes writes again, so the run's real
 * outcome wins over the abort a later start would record. Failures are said once when they begin
 * and once when they end, with a count in between, not once per run or tick.
 *
 * <p>Thread-safe: runner threads record, the tick thread retries.
 */
final class RunRecording {

    /** Most run ends kept while the database refuses writes. */
    static final int CAPACITY = 1_000;

    /** A write that failed and was counted (and said, if it was the first); not to be logged again. */
    static final class NotRecorded extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotRecorded(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final JobRunRepository runs;
    private final Clock clock;
    private final Scheduler.Log log;
    private final int capacity;
    private final Map<Long, JobRunEnd> kept = new LinkedHashMap<>(); // guarded by this, oldest first
    private Instant failingSince; // guarded by this; null while writes work
    private long failedWrites; // guarded by this, since failingSince
    private long dropped; // guarded by this, since failingSince

    RunRecording(JobRunRepository runs, Clock clock, Scheduler.Log log) {
        this(runs, clock, log, CAPACITY);
    }

    RunRecording(JobRunRepository runs, Clock clock, Scheduler.Log log, int capacity) {
        this.runs = Objects.requireNonNull(runs);
        this.clock = Objects.requireNonNull(clock);
        this.log = Objects.requireNonNull(log);
        this.capacity = capacity;
    }

    /**
     * Records a run's start.
     *
     * @throws NoSuchJobException if the job is gone
     * @throws NotRecorded if the database refused (counted, and said if it is the first failure)
     */
    JobRun start(long jobId, JobRunTrigger trigger, Instant startedAt) {
        try {
            JobRun run = runs.recordStart(jobId, trigger, startedAt);
            succeeded();
            return run;
        } catch (NoSuchJobException e) {
            throw e;
        } catch (RuntimeException e) {
            failed(e);
            throw new NotRecorded("run of job " + jobId + " not started, it could not be recorded: " + e.getMessage(), e);
        }
    }

    /**
     * Records a run's end, or keeps it to write later; never throws for a failing database.
     *
     * @return the run as recorded, or as it ended if its end is kept
     */
    JobRun finish(JobRun run, JobRunEnd end) {
        try {
            JobRun done = runs.recordFinish(run.id(), end).orElse(run.finish(end));
            succeeded();
            return done;
        } catch (RuntimeException e) {
            synchronized (this) {
                keep(run.id(), end);
            }
            failed(e);
            return run.finish(end);
        }
    }

    /**
     * Writes the kept run ends, oldest first; cheap when none are kept. When the first two fail
     * (or the only one), the database still refuses writes, and they all stay kept. When some land and others fail in the same
     * pass, the database works and those ends are refused for a reason of their own (a constraint,
     * a bug): they are dropped, each with one warning, instead of being retried for ever ahead of
     * the rest.
     */
    void retry() {
        java.util.List<Map.Entry<Long, JobRunEnd>> pass;
        synchronized (this) {
            if (kept.isEmpty()) {
                return;
            }
            pass = kept.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        }
        java.util.List<Map.Entry<Long, JobRunEnd>> refused = new java.util.ArrayList<>();
        RuntimeException lastFailure = null;
        boolean anyLanded = false;
        for (Map.Entry<Long, JobRunEnd> next : pass) {
            try {
                runs.recordFinish(next.getKey(), next.getValue());
            } catch (RuntimeException e) {
                refused.add(next);
                lastFailure = e;
                if (!anyLanded && refused.size() == 2) {
                    break; // the first two fail: the database still refuses writes, try again later
                }
                continue;
            }
            anyLanded = true;
            synchronized (this) {
                kept.remove(next.getKey(), next.getValue());
            }
            succeeded();
        }
        if (lastFailure == null) {
            return;
        }
        if (!anyLanded) {
            failed(lastFailure);
            return;
        }
        for (Map.Entry<Long, JobRunEnd> end : refused) {
            synchronized (this) {
                kept.remove(end.getKey(), end.getValue());
            }
            log.warn("the end of run " + end.getKey() + " (" + end.getValue().outcome() + ") was refused by the job database"
                    + " while other run ends were written: dropped, and the next start records that run as aborted");
        }
    }

    /** How many run ends wait to be written. */
    synchronized int kept() {
        return kept.size();
    }

    /** Whether the run's end is kept, not yet written. */
    synchronized boolean isKept(long runId) {
        return kept.containsKey(runId);
    }

    private void keep(long runId, JobRunEnd end) {
        kept.put(runId, end);
        if (kept.size() > capacity) {
            Iterator<Long> oldest = kept.keySet().iterator();
            oldest.next();
            oldest.remove();
            if (dropped++ == 0) {
                log.warn(capacity + " run ends are waiting for the job database: older ones are dropped (counted),"
                        + " and the next start records those runs as aborted");
            }
        }
    }

    private void failed(RuntimeException e) {
        boolean first;
        synchronized (this) {
            first = failingSince == null;
            if (first) {
                failingSince = clock.instant();
                failedWrites = 0;
                dropped = 0;
            }
            failedWrites++;
        }
        if (first) {
            // the persistence layer's messages name files and SQLite's reason, never bound values
            log.warn("cannot record job runs (" + e.getMessage() + "); run ends are kept (at most " + capacity
                    + ") and written when the database takes writes again; further failures are counted, not logged");
        }
    }

    private void succeeded() {
        long failures;
        long lost;
        Instant since;
        int waiting;
        synchronized (this) {
            if (failingSince == null) {
                return;
            }
            since = failingSince;
            failures = failedWrites;
            lost = dropped;
            waiting = kept.size();
            failingSince = null;
        }
        Duration took = Duration.between(since, clock.instant());
        log.info("job runs are recorded again after " + failures + (failures == 1 ? " failed write" : " failed writes")
                + " in " + took.toSeconds() + " s" + (waiting == 0 ? "" : "; " + waiting + " kept run ends still to write")
                + (lost == 0 ? "" : "; " + lost + " run ends were dropped (those runs are recorded aborted at the next start)"));
    }
}
