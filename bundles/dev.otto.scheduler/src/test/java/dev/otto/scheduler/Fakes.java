package dev.otto.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

/** In-memory stand-ins for the services the scheduler uses, and a clock the test moves. */
final class Fakes {

    static final ModelRef DEFAULT = ModelRef.parse("opencode/default-model");

    private Fakes() {
    }

    static final class Jobs implements JobRepository {
        final Map<Long, Job> byId = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final Clock clock;

        Jobs(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Job create(JobDraft d) {
            long id = ids.incrementAndGet();
            Job job = new Job(id, d.name(), d.flow(), d.schedule(), d.prompt(), d.enabled(), d.modelRef(), d.sops(),
                    d.preRunHook(), d.postRunHook(), clock.instant(), clock.instant());
            byId.put(id, job);
            return job;
        }

        Job add(String name, String schedule, ModelRef model) {
            return create(new JobDraft(name, Flow.SCHEDULED_TASKS, schedule, "SECRET-PROMPT " + name, true, model));
        }

        @Override
        public Optional<Job> get(long id) {
            return Optional.ofNullable(byId.get(id));
        }

        @Override
        public List<Job> list() {
            return byId.values().stream().sorted(Comparator.comparingLong(Job::id)).collect(Collectors.toList());
        }

        @Override
        public List<Job> list(Flow flow) {
            return list().stream().filter(j -> j.flow() == flow).collect(Collectors.toList());
        }

        @Override
        public Job update(long id, JobDraft d) {
            Job old = get(id).orElseThrow(() -> new NoSuchJobException(id));
            Job job = new Job(id, d.name(), d.flow(), d.schedule(), d.prompt(), d.enabled(), d.modelRef(), d.sops(),
                    d.preRunHook(), d.postRunHook(), old.createdAt(), clock.instant());
            byId.put(id, job);
            return job;
        }

        @Override
        public boolean delete(long id) {
            return byId.remove(id) != null;
        }

        @Override
        public Job setModelRef(long id, ModelRef modelRefOrNull) {
            throw new UnsupportedOperationException();
        }
    }

    static final class Runs implements JobRunRepository {
        final Map<Long, JobRun> byId = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();
        private final Jobs jobs;
        volatile int abortedAtStart;

        Runs(Jobs jobs) {
            this.jobs = jobs;
        }

        @Override
        public synchronized JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt) {
            if (jobs.get(jobId).isEmpty()) {
                throw new NoSuchJobException(jobId);
            }
            JobRun run = JobRun.started(ids.incrementAndGet(), jobId, trigger, startedAt);
            byId.put(run.id(), run);
            return run;
        }

        @Override
        public synchronized Optional<JobRun> recordFinish(long runId, JobRunEnd end) {
            JobRun run = byId.get(runId);
            if (run == null || run.outcome() != JobRunOutcome.RUNNING) {
                return Optional.ofNullable(run);
            }
            JobRun done = run.finish(end);
            byId.put(runId, done);
            return Optional.of(done);
        }

        @Override
        public Optional<JobRun> findRun(long runId) {
            return Optional.ofNullable(byId.get(runId));
        }

        @Override
        public List<JobRun> runsOf(long jobId, int limit) {
            return byId.values().stream().filter(r -> r.jobId() == jobId)
                    .sorted(Comparator.comparingLong(JobRun::id).reversed()).limit(limit).collect(Collectors.toList());
        }

        @Override
        public synchronized int abortUnfinished(Instant finishedAt) {
            int n = 0;
            for (JobRun run : new ArrayList<>(byId.values())) {
                if (run.outcome() == JobRunOutcome.RUNNING) {
                    byId.put(run.id(), run.finish(JobRunEnd.aborted(finishedAt)));
                    n++;
                }
            }
            abortedAtStart += n;
            return n;
        }

        List<JobRun> of(long jobId, JobRunTrigger trigger) {
            List<JobRun> list = new ArrayList<>(runsOf(jobId, Integer.MAX_VALUE));
            Collections.reverse(list);
            return list.stream().filter(r -> r.trigger() == trigger).collect(Collectors.toList());
        }
    }

    /** What the router does for one request. */
    @FunctionalInterface
    interface Behaviour {
        RunResult run(RunRequest request) throws RoutingException, InterruptedException;
    }

    /** Records every request; answers with the job's model (source job) or the default (flow_default). */
    static final class Router implements ModelRouter {
        final List<RunRequest> requests = new CopyOnWriteArrayList<>();
        volatile Behaviour behaviour = Router::answer;

        @Override
        public RunResult run(RunRequest request) throws RoutingException {
            requests.add(request);
            try {
                return behaviour.run(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(request, RunOutcome.FAILED, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR);
            }
        }

        /** The scheduler takes a failed run's resolution from the run itself and never plans again. */
        @Override
        public RoutePlan plan(RunRequest request) {
            throw new UnsupportedOperationException("the scheduler must not plan a run it has run");
        }

        @Override
        public ActiveRouting active() {
            return new ActiveRouting(RoutingSettings.DEFAULTS, "defaults", List.of(), "test", 1);
        }


        static Resolution resolution(RunRequest request) {
            return request.jobModelRef() != null ? Resolution.of(request.jobModelRef(), ResolutionSource.JOB)
                    : Resolution.of(DEFAULT, ResolutionSource.FLOW_DEFAULT);
        }

        static RunResult answer(RunRequest request) {
            Resolution resolution = resolution(request);
            Attempt attempt = new Attempt(1, resolution.ref(), ReasonCode.NONE, null, Instant.EPOCH, Duration.ZERO, 10, 5);
            return new RunResult("r-" + request.taskId(), request.taskId(), resolution, resolution.ref(), List.of(attempt),
                    RunOutcome.SUCCESS, "answer", 10, 5);
        }

        static RoutingException fail(RunRequest request, RunOutcome outcome, ReasonCode reason, ErrorClass errorClass) {
            ModelRef model = resolution(request).ref();
            List<Attempt> attempts = List.of(
                    new Attempt(1, model, reason, errorClass, Instant.EPOCH, Duration.ZERO, 0, 0),
                    new Attempt(2, DEFAULT.equals(model) ? ModelRef.parse("openai/gpt-5.2") : DEFAULT, reason, errorClass,
                            Instant.EPOCH, Duration.ZERO, 0, 0));
            return new RoutingException("r-" + request.taskId(), request.taskId(), resolution(request), outcome, attempts,
                    List.of(), reason, errorClass,
                    null);
        }

        List<RunRequest> of(Flow flow) {
            return requests.stream().filter(r -> r.flow() == flow).collect(Collectors.toList());
        }
    }

    static final class Log implements Scheduler.Log {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void warn(String message) {
            lines.add("WARN " + message);
        }
    }
}
