package dev.otto.shell;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobScheduler;

/**
 * A scheduler for the shell's tests: runs jobs through a function, accepts every schedule except
 * those that start with "never" (the scheduler's own parser is tested in dev.otto.scheduler and,
 * through the shell, with the real distribution), and records which jobs were rescheduled.
 */
final class FakeScheduler implements JobScheduler {

    static final Instant NEXT = Instant.parse("2026-11-22T03:00:00Z");

    private final LongFunction<JobRun> runs;
    final List<Long> rescheduled = new CopyOnWriteArrayList<>();

    FakeScheduler(LongFunction<JobRun> runs) {
        this.runs = runs;
    }

    FakeScheduler() {
        this(id -> {
            throw new AssertionError("not run");
        });
    }

    static FakeScheduler running(LongFunction<JobRun> runs) {
        return new FakeScheduler(runs);
    }

    @Override
    public JobRun runNow(long jobId) {
        return runs.apply(jobId);
    }

    @Override
    public Instant checkSchedule(String schedule) {
        if (schedule.startsWith("never")) {
            throw new IllegalArgumentException("schedule '" + schedule + "' never fires: test");
        }
        return NEXT;
    }

    @Override
    public Optional<Instant> reschedule(long jobId) {
        rescheduled.add(jobId);
        return Optional.of(NEXT);
    }
}
