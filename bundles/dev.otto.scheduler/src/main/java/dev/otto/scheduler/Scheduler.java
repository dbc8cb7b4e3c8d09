package dev.otto.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

/**
 * The scheduler's logic, free of OSGi: {@link #tick()} starts every enabled job that is due on the
 * runner pool, {@link #runNow} runs one in the caller's thread, {@link #shutdown} lets runs in
 * flight finish within a grace period, then interrupts them and records the rest as aborted.
 *
 * <p>A job is due when the next time of its schedule after its last start (from {@code job_runs},
 * or its creation time if it never ran) has come: after downtime that time lies in the past, the
 * job runs once, and its next time is computed from that new start, so missed slots are not run
 * one by one. One claim per job id ({@link #inFlight}) keeps two runs of a job from overlapping.
 */
final class Scheduler {

    /** Where the scheduler says what it does; no prompt or answer text ever reaches it. */
    interface Log {
        void info(String message);

        void warn(String message);
    }

    /** How many past runs are read to restore a job's state (last start, failures in a row). */
    static final int HISTORY = 50;
    /** How many failures the watchdog summary lists. */
    static final int SUMMARY_FAILURES = 5;
    /** After the grace period, how long interrupted runs get to end before their rows are closed anyway. */
    static final Duration ABORT_WAIT = Duration.ofSeconds(5);

    private final JobRepository jobs;
    private final JobRunRepository runs;
    private final ModelRouter router;
    private final Clock clock;
    private final ExecutorService runners;
    private final Log log;
    private final JobTools tools;
    private final RunRecording recording;
    private volatile Settings settings;
    private volatile boolean stopping;
    private volatile Duration abortWait = ABORT_WAIT;

    private final Map<Long, Claim> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, JobState> states = new ConcurrentHashMap<>();
    private final Map<Long, String> reportedBadSchedules = new ConcurrentHashMap<>();
    private final Object finished = new Object();

    Scheduler(JobRepository jobs, JobRunRepository runs, ModelRouter router, Clock clock, ExecutorService runners,
            Settings settings, Log log) {
        this(jobs, runs, router, clock, runners, settings, log, JobTools.NONE);
    }

    Scheduler(JobRepository jobs, JobRunRepository runs, ModelRouter router, Clock clock, ExecutorService runners,
            Settings settings, Log log, JobTools tools) {
        this.tools = Objects.requireNonNull(tools);
        this.jobs = Objects.requireNonNull(jobs);
        this.runs = Objects.requireNonNull(runs);
        this.router = Objects.requireNonNull(router);
        this.clock = Objects.requireNonNull(clock);
        this.runners = Objects.requireNonNull(runners);
        this.settings = Objects.requireNonNull(settings);
        this.log = Objects.requireNonNull(log);
        this.recording = new RunRecording(this.runs, this.clock, this.log);
    }

    /** Closes the rows of runs that a previous process left running (it died or was killed). */
    void start() {
        int left = runs.abortUnfinished(clock.instant());
        if (left > 0) {
            log.warn(left + (left == 1 ? " job run was" : " job runs were")
                    + " still recorded as running from an earlier process: marked aborted");
        }
    }

    void update(Settings newSettings) {
        settings = Objects.requireNonNull(newSettings);
    }

    /** For tests: how long interrupted runs get before their rows are closed anyway. */
    void abortWait(Duration wait) {
        abortWait = wait;
    }

    /** Whether {@link #shutdown} has begun. */
    boolean stopping() {
        return stopping;
    }

    Settings settings() {
        return settings;
    }

    /** The ids of the jobs running now. */
    List<Long> running() {
        return List.copyOf(inFlight.keySet());
    }

    /** Starts every enabled job that is due and not running, up to the parallel limit. */
    void tick() {
        if (stopping) {
            return;
        }
        retryUnrecorded();
        Instant now = clock.instant();
        Settings current = settings;
        for (Job job : jobs.list()) {
            if (!job.enabled() || inFlight.containsKey(job.id())) {
                continue;
            }
            if (scheduledInFlight() >= current.maxParallelRuns()) {
                return; // the others stay due and start on a later tick
            }
            Optional<Instant> due;
            try {
                due = dueAt(job);
            } catch (RuntimeException e) {
                // e.g. its run history is unreadable: this job waits, the others still run
                log.warn("job " + job.id() + " skipped this tick: " + describe(e));
                continue;
            }
            if (due.isPresent() && !due.get().isAfter(now)) {
                submit(job);
            }
        }
    }

    /** When the job is next due, or empty if its schedule is invalid (reported once per schedule text). */
    Optional<Instant> dueAt(Job job) {
        Schedule schedule;
        try {
            schedule = Schedule.parse(job.schedule(), clock.getZone());
        } catch (IllegalArgumentException e) {
            if (!job.schedule().equals(reportedBadSchedules.put(job.id(), job.schedule()))) {
                log.warn("job " + job.id() + " is not scheduled: " + e.getMessage()
                        + "; 'otto:job-edit " + job.id() + " --schedule ...' fixes it");
            }
            return Optional.empty();
        }
        reportedBadSchedules.remove(job.id());
        // counts from the last start or the job's last change, whichever is later: an edited or
        // re-enabled job starts its new schedule from the edit instead of catching up at once
        Instant anchor = state(job.id()).lastStart;
        if (anchor == null || job.updatedAt().isAfter(anchor)) {
            anchor = job.updatedAt();
        }
        return Optional.of(schedule.nextAfter(anchor));
    }

    /**
     * Checks a schedule with the same parser the ticks use.
     *
     * @return the first time a job with this schedule, changed now, would be due
     * @throws IllegalArgumentException one line saying why it can never fire
     */
    Instant checkSchedule(String schedule) {
        return Schedule.parse(schedule, clock.getZone()).nextAfter(clock.instant());
    }

    /**
     * When a job is next due, as the next tick sees it.
     *
     * @return the time, or empty if it is disabled or its schedule is invalid
     * @throws NoSuchJobException if there is no such job
     */
    Optional<Instant> nextDue(long jobId) {
        Job job = jobs.get(jobId).orElseThrow(() -> new NoSuchJobException(jobId));
        return job.enabled() ? dueAt(job) : Optional.empty();
    }

    /**
     * Runs a job now in the caller's thread and records it.
     *
     * @throws NoSuchJobException if there is no such job
     * @throws IllegalStateException if it is running already or the scheduler is stopping
     */
    JobRun runNow(long jobId) {
        Job job = jobs.get(jobId).orElseThrow(() -> new NoSuchJobException(jobId));
        if (stopping) {
            throw new IllegalStateException("the scheduler is stopping: start the dev.otto.scheduler bundle again");
        }
        Claim claim = new Claim(JobRunTrigger.MANUAL);
        Claim other = inFlight.putIfAbsent(jobId, claim);
        if (other != null) {
            throw new IllegalStateException("job " + jobId + " " + job.name() + " is running already"
                    + (other.startedAt == null ? "" : " (since " + other.startedAt + ")")
                    + ": wait until it ends, 'otto:job-run' never starts a second run of a job");
        }
        claim.thread = Thread.currentThread();
        return execute(job, claim);
    }

    /**
     * Stops starting runs, waits up to the grace period for those in flight, interrupts the rest,
     * and closes the rows of any still running as aborted. Idempotent; returns within about
     * {@code shutdownGrace} + {@link #ABORT_WAIT}.
     */
    void shutdown() {
        stopping = true;
        runners.shutdown();
        Duration grace = settings.shutdownGrace();
        if (!awaitIdle(grace)) {
            List<Claim> cut = new ArrayList<>(inFlight.values());
            log.warn(cut.size() + (cut.size() == 1 ? " job run" : " job runs") + " still in flight after " + grace
                    + ": interrupting and recording as aborted");
            for (Claim claim : cut) {
                claim.aborting = true;
                Thread thread = claim.thread;
                if (thread != null) {
                    thread.interrupt();
                }
            }
            if (!awaitIdle(abortWait)) {
                recording.retry(); // a real end kept while the disk was full wins over the abort
                for (Claim claim : new ArrayList<>(inFlight.values())) {
                    long runId = claim.runId;
                    if (runId > 0) {
                        try {
                            runs.recordFinish(runId, JobRunEnd.aborted(clock.instant()));
                        } catch (RuntimeException e) {
                            log.warn("could not record run " + runId + " as aborted: " + e.getClass().getSimpleName()
                                    + "; the next start marks it aborted");
                        }
                    }
                }
            }
        }
        recording.retry();
        int unwritten = recording.kept();
        if (unwritten > 0) {
            log.warn(unwritten + (unwritten == 1 ? " run end" : " run ends") + " could not be written to the job database"
                    + " before the scheduler stopped (disk full?): the next start records those runs as aborted");
        }
        runners.shutdownNow();
    }

    /**
     * Writes the run ends kept while the job database refused writes (a full disk); cheap when
     * there are none. Called on every tick and, by the component, every second. Never throws.
     */
    void retryUnrecorded() {
        try {
            recording.retry();
        } catch (RuntimeException e) {
            log.warn("writing kept run ends failed: " + describe(e));
        }
    }

    private boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (finished) {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    finished.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return inFlight.isEmpty();
                }
            }
            return true;
        }
    }

    private long scheduledInFlight() {
        return inFlight.values().stream().filter(c -> c.trigger == JobRunTrigger.SCHEDULE).count();
    }

    private void submit(Job job) {
        Claim claim = new Claim(JobRunTrigger.SCHEDULE);
        if (inFlight.putIfAbsent(job.id(), claim) != null) {
            return;
        }
        try {
            runners.execute(() -> {
                claim.thread = Thread.currentThread();
                try {
                    execute(job, claim);
                } catch (RunRecording.NotRecorded e) {
                    // counted, and said when the failures began (RunRecording): not once per tick
                } catch (RuntimeException e) {
                    log.warn("run of job " + job.id() + " could not be recorded: " + describe(e));
                }
            });
        } catch (RejectedExecutionException e) {
            release(job.id(), claim); // stopping
        }
    }

    /**
     * One run of a job: its pre-run hook (a failure skips the run), its SOPs and prompt through the
     * router, its post-run hook; then the watchdog run if it is due. The claim is released at the end.
     */
    private JobRun execute(Job job, Claim claim) {
        try {
            JobRun run = recording.start(job.id(), claim.trigger, clock.instant());
            claim.runId = run.id();
            claim.startedAt = run.startedAt();
            JobState state = state(job.id());
            state.lastStart = run.startedAt();
            JobRunEnd end = tools.beforeRun(job, run)
                    .map(note -> JobRunEnd.skipped(clock.instant(), note))
                    .orElseGet(() -> routeWithTools(job, run, claim));
            JobRun done = recording.finish(run, end); // kept and retried if the database refuses it
            log.info("job " + job.id() + " run " + done.id() + " (" + done.trigger().wireName() + ") " + summary(done));
            afterRun(job, done, state, claim);
            return done;
        } finally {
            release(job.id(), claim);
        }
    }

    /** The job's SOPs and prompt through the router, then its post-run hook. */
    private JobRunEnd routeWithTools(Job job, JobRun run, Claim claim) {
        RunRequest request = RunRequest.forFlow(job.flow(), "job-" + job.id() + "-run-" + run.id(), tools.prompt(job))
                .withJob(job.id(), job.modelRef());
        return tools.afterRun(job, run, route(request, claim));
    }

    private void release(long jobId, Claim claim) {
        inFlight.remove(jobId, claim);
        synchronized (finished) {
            finished.notifyAll();
        }
    }

    /** Routes one request; never throws: every way it can end becomes a {@link JobRunEnd}. */
    private JobRunEnd route(RunRequest request, Claim claim) {
        try {
            RunResult result = router.run(request);
            if (result.outcome() == RunOutcome.SUCCESS) {
                return end(JobRunOutcome.SUCCESS, result.runId(), result.resolution().source(), result.attempts(),
                        ReasonCode.NONE, null, result.tokensIn(), result.tokensOut());
            }
            return end(outcomeOf(result.outcome(), claim), result.runId(), result.resolution().source(),
                    result.attempts(), ReasonCode.CAPACITY, ErrorClass.UNKNOWN, result.tokensIn(), result.tokensOut());
        } catch (RoutingException e) {
            List<Attempt> attempts = e.attempts();
            return end(outcomeOf(e.outcome(), claim), e.runId(),
                    e.resolution().map(Resolution::source).orElse(null), attempts, e.finalReason(),
                    e.finalErrorClass(), attempts.stream().mapToLong(Attempt::tokensIn).sum(),
                    attempts.stream().mapToLong(Attempt::tokensOut).sum());
        } catch (RuntimeException e) {
            // a router that throws is a bug elsewhere; the run is recorded failed, the class name kept
            log.warn("the router threw " + e.getClass().getName() + " for " + request.taskId());
            return new JobRunEnd(clock.instant(), claim.aborting ? JobRunOutcome.ABORTED : JobRunOutcome.FAILED, null,
                    null, null, ReasonCode.CAPACITY, ErrorClass.UNKNOWN, List.of(), 0, 0, 0);
        }
    }

    private JobRunEnd end(JobRunOutcome outcome, String routerRunId, ResolutionSource source, List<Attempt> attempts,
            ReasonCode reason, ErrorClass errorClass, long tokensIn, long tokensOut) {
        List<ReasonCode> fallbacks = attempts.stream().filter(a -> !a.succeeded()).map(Attempt::reason)
                .collect(Collectors.toList());
        return new JobRunEnd(clock.instant(), outcome, routerRunId, source,
                attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).model(), reason, errorClass, fallbacks,
                attempts.size(), tokensIn, tokensOut);
    }

    /** A failure of a run the shutdown interrupted is an abort, not the job's failure. */
    private static JobRunOutcome outcomeOf(RunOutcome outcome, Claim claim) {
        if (claim.aborting) {
            return JobRunOutcome.ABORTED;
        }
        return outcome == RunOutcome.TIMED_OUT ? JobRunOutcome.TIMED_OUT : JobRunOutcome.FAILED;
    }

    /** Counts failures in a row and routes the watchdog run once per streak. */
    private void afterRun(Job job, JobRun run, JobState state, Claim claim) {
        if (run.trigger() == JobRunTrigger.WATCHDOG) {
            return;
        }
        Settings current = settings;
        synchronized (state) {
            if (run.outcome() == JobRunOutcome.SUCCESS) {
                state.failuresInARow = 0;
                state.failures.clear();
                state.watchdogSent = false;
                return;
            }
            if (!run.outcome().isFailure()) {
                return; // aborted: not the job's failure, and not a success either
            }
            state.failuresInARow++;
            state.failures.addFirst(run);
            while (state.failures.size() > SUMMARY_FAILURES) {
                state.failures.removeLast();
            }
            if (state.failuresInARow < current.failuresBeforeWatchdog() || state.watchdogSent
                    || current.watchdogPrompt().isEmpty() || stopping) {
                return;
            }
            state.watchdogSent = true;
        }
        runWatchdog(job, state, current.watchdogPrompt(), claim);
    }

    private void runWatchdog(Job job, JobState state, String prompt, Claim claim) {
        String summary;
        synchronized (state) {
            summary = watchdogSummary(job, state.failuresInARow, List.copyOf(state.failures));
        }
        JobRun run;
        try {
            run = recording.start(job.id(), JobRunTrigger.WATCHDOG, clock.instant());
        } catch (NoSuchJobException | RunRecording.NotRecorded deletedOrRefused) {
            return;
        }
        claim.runId = run.id();
        JobRunEnd end = route(RunRequest.forFlow(Flow.WATCHDOG_FAILURES, "watchdog-job-" + job.id() + "-run-" + run.id(),
                prompt + "\n\n" + summary).withJob(job.id(), null), claim);
        JobRun done = recording.finish(run, end);
        log.info("job " + job.id() + " failed " + state.failuresInARow + " times in a row: watchdog run " + done.id()
                + " " + summary(done));
    }

    /**
     * What the watchdog run is told about the failures: ids, the job's name, counts, times,
     * outcomes, reason codes, error classes and models. Never a prompt or a provider message.
     */
    static String watchdogSummary(Job job, int failuresInARow, List<JobRun> newestFirst) {
        StringBuilder text = new StringBuilder();
        text.append("Job ").append(job.id()).append(" (").append(job.name()).append(", flow ")
                .append(job.flow().wireName()).append(", schedule ").append(job.schedule()).append(") failed ")
                .append(failuresInARow).append(failuresInARow == 1 ? " time" : " times").append(" in a row.\n");
        text.append("Latest failures, newest first:\n");
        for (JobRun run : newestFirst) {
            text.append("- run ").append(run.id()).append(" started ").append(run.startedAt()).append(": ")
                    .append(run.outcome().wireName()).append(", reason ")
                    .append(run.reason() == null ? "unknown" : run.reason().wireName()).append(", error class ")
                    .append(run.errorClass() == null ? "unknown" : run.errorClass().name()).append(", final model ")
                    .append(run.finalModel() == null ? "none" : run.finalModel().toString()).append(", ")
                    .append(run.attempts()).append(run.attempts() == 1 ? " attempt" : " attempts");
            if (!run.fallbackReasons().isEmpty()) {
                text.append(", fallbacks ").append(run.fallbackReasons().stream().map(ReasonCode::wireName)
                        .collect(Collectors.joining(", ")));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** One line for the log: outcome, model, source, attempts, reason; no text. */
    static String summary(JobRun run) {
        return run.outcome().wireName() + ", final model " + (run.finalModel() == null ? "none" : run.finalModel())
                + ", source " + (run.resolutionSource() == null ? "unknown" : run.resolutionSource().wireName()) + ", "
                + run.attempts() + (run.attempts() == 1 ? " attempt" : " attempts") + ", reason "
                + (run.reason() == null ? "unknown" : run.reason().wireName())
                + (run.errorClass() == null ? "" : " (" + run.errorClass() + ")")
                + (run.note() == null ? "" : "; " + run.note());
    }

    private JobState state(long jobId) {
        return states.computeIfAbsent(jobId, this::restore);
    }

    /** A job's state from its recorded runs, so a restart neither reruns missed slots nor forgets a streak. */
    private JobState restore(long jobId) {
        JobState state = new JobState();
        boolean streakOver = false;
        for (JobRun run : runs.runsOf(jobId, HISTORY)) {
            if (run.trigger() == JobRunTrigger.WATCHDOG) {
                if (!streakOver) {
                    state.watchdogSent = true;
                }
                continue;
            }
            if (state.lastStart == null) {
                state.lastStart = run.startedAt();
            }
            if (streakOver) {
                continue;
            }
            if (run.outcome() == JobRunOutcome.SUCCESS) {
                streakOver = true;
            } else if (run.outcome().isFailure()) {
                state.failuresInARow++;
                if (state.failures.size() < SUMMARY_FAILURES) {
                    state.failures.addLast(run);
                }
            }
        }
        return state;
    }

    private static String describe(RuntimeException e) {
        // the persistence layer's messages name files and constraints, never bound values
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** A job's place in the in-flight map: one per job, the run's thread and row. */
    private static final class Claim {
        final JobRunTrigger trigger;
        volatile Thread thread;
        volatile long runId;
        volatile Instant startedAt;
        volatile boolean aborting;

        Claim(JobRunTrigger trigger) {
            this.trigger = trigger;
        }
    }

    /** What the scheduler remembers per job; guarded by itself except {@code lastStart}. */
    private static final class JobState {
        volatile Instant lastStart;
        int failuresInARow;
        boolean watchdogSent;
        final Deque<JobRun> failures = new ArrayDeque<>();
    }
}
