package dev.otto.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.support.testing.MutableClock;

/**
 * A disk that fills while a run is in flight: the run's real end is kept and lands once the
 * database takes writes again (on the next tick, or when the scheduler stops), instead of the row
 * staying {@code running}; the failures are said once when they begin and once when they end.
 */
class RunRecordingTest {

    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final Fakes.Jobs jobs = new Fakes.Jobs(clock);
    private final Fakes.Runs stored = new Fakes.Runs(jobs);
    private final FullDisk runs = new FullDisk(stored);
    private final Fakes.Router router = new Fakes.Router();
    private final Fakes.Log log = new Fakes.Log();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Scheduler scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** The database as a full disk makes it: every write fails with SQLite's SQLITE_FULL while {@link #full}. */
    static final class FullDisk implements JobRunRepository {
        private final JobRunRepository stored;
        volatile boolean full;

        FullDisk(JobRunRepository stored) {
            this.stored = stored;
        }

        /** A run whose end the database refuses for a reason of its own, full disk or not. */
        volatile long refusedRun = -1;

        private void write(String what) {
            if (what.equals("finishing run " + refusedRun)) {
                throw new IllegalStateException(what + " failed in /data/otto.db: [SQLITE_CONSTRAINT] CHECK constraint failed");
            }
            if (full) {
                throw new IllegalStateException(what + " failed in /data/otto.db: [SQLITE_FULL] database or disk is full");
            }
        }

        @Override
        public JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt) {
            write("recording a run of job " + jobId);
            return stored.recordStart(jobId, trigger, startedAt);
        }

        @Override
        public Optional<JobRun> recordFinish(long runId, JobRunEnd end) {
            write("finishing run " + runId);
            return stored.recordFinish(runId, end);
        }

        @Override
        public Optional<JobRun> findRun(long runId) {
            return stored.findRun(runId);
        }

        @Override
        public List<JobRun> runsOf(long jobId, int limit) {
            return stored.runsOf(jobId, limit);
        }

        @Override
        public int abortUnfinished(Instant finishedAt) {
            write("marking unfinished runs aborted");
            return stored.abortUnfinished(finishedAt);
        }
    }

    private Job jobThatFillsTheDiskWhileItRuns() {
        Job job = jobs.add("digest", "0 3 * * *", null);
        router.behaviour = request -> {
            runs.full = true; // the disk fills while the provider answers
            return Fakes.Router.answer(request);
        };
        return job;
    }

    private List<String> warnings() {
        return log.lines.stream().filter(l -> l.startsWith("WARN ")).toList();
    }

    @Test
    void aRunsEndThatCannotBeWrittenIsKeptAndLandsWhenTheDiskHasSpaceAgain() {
        Job job = jobThatFillsTheDiskWhileItRuns();
        JobRun ran = scheduler.runNow(job.id());
        assertThat(ran.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(stored.findRun(ran.id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.RUNNING);

        for (int i = 0; i < 10; i++) { // ticks while the disk is full: retried, counted, said once
            clock.advance(Duration.ofSeconds(1));
            scheduler.tick();
        }
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).startsWith("WARN cannot record job runs (finishing run " + ran.id()
                + " failed in /data/otto.db: [SQLITE_FULL] database or disk is full); run ends are kept");

        runs.full = false; // space again
        scheduler.tick();
        JobRun recorded = stored.findRun(ran.id()).orElseThrow();
        assertThat(recorded.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(recorded.finalModel()).isEqualTo(Fakes.DEFAULT);
        assertThat(recorded.finishedAt()).isEqualTo(ran.finishedAt());
        assertThat(log.lines).contains("INFO job runs are recorded again after 11 failed writes in 10 s");
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void aKeptEndWinsOverTheAbortWhenTheSchedulerStopsAfterSpaceReturns() {
        Job job = jobThatFillsTheDiskWhileItRuns();
        JobRun ran = scheduler.runNow(job.id());
        runs.full = false;
        scheduler.shutdown();
        assertThat(stored.findRun(ran.id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        // a later start finds nothing left running
        new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log).start();
        assertThat(stored.abortedAtStart).isZero();
    }

    @Test
    void runsThatCannotStartOnAFullDiskAreSaidOnceNotOnEveryTick() throws InterruptedException {
        jobs.add("pulse", "PT1M", null);
        runs.full = true;
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            scheduler.tick();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!scheduler.running().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        assertThat(router.requests).as("no run without its row").isEmpty();
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).startsWith("WARN cannot record job runs (recording a run of job 1 failed");
    }

    @Test
    void keptEndsAreBoundedAndTheDroppedOnesCounted() {
        RunRecording recording = new RunRecording(runs, clock, log, 2);
        Job job = jobs.add("digest", "0 3 * * *", null);
        JobRun[] started = new JobRun[3];
        for (int i = 0; i < 3; i++) {
            started[i] = recording.start(job.id(), JobRunTrigger.MANUAL, clock.instant());
        }
        runs.full = true;
        for (JobRun run : started) {
            recording.finish(run, JobRunEnd.aborted(clock.instant()));
        }
        assertThat(recording.kept()).isEqualTo(2);
        assertThat(recording.isKept(started[0].id())).as("the oldest is dropped").isFalse();
        runs.full = false;
        recording.retry();
        assertThat(recording.kept()).isZero();
        assertThat(stored.findRun(started[0].id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.RUNNING);
        assertThat(stored.findRun(started[2].id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(log.lines).anyMatch(l -> l.contains("1 run ends were dropped"));
    }

    @Test
    void anEndRefusedForAReasonOfItsOwnIsDroppedOnceTheOthersLandAndBlocksNothing() {
        RunRecording recording = new RunRecording(runs, clock, log);
        Job job = jobs.add("digest", "0 3 * * *", null);
        JobRun[] started = new JobRun[3];
        for (int i = 0; i < 3; i++) {
            started[i] = recording.start(job.id(), JobRunTrigger.MANUAL, clock.instant());
        }
        runs.full = true;
        for (JobRun run : started) {
            recording.finish(run, JobRunEnd.aborted(clock.instant()));
        }
        runs.refusedRun = started[0].id(); // the oldest, ahead of the others
        recording.retry();
        assertThat(recording.kept()).as("the disk is still full: all stay kept").isEqualTo(3);

        runs.full = false;
        recording.retry();

        assertThat(recording.kept()).isZero();
        assertThat(stored.findRun(started[1].id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(stored.findRun(started[2].id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(warnings()).filteredOn(w -> w.contains("run " + started[0].id() + " (ABORTED) was refused")).hasSize(1);
        recording.retry();
        assertThat(warnings()).filteredOn(w -> w.contains("was refused")).as("said once, not on every retry").hasSize(1);
    }
}
