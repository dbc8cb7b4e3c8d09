package dev.otto.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.tools.HookRunner;
import dev.otto.api.tools.SopLibrary;

/**
 * The {@link JobScheduler} service: a tick thread that looks for due jobs every
 * {@code tickInterval}, and a pool of runner threads. Static references: without the job store,
 * the run record or the router there is nothing to schedule, and the store's unregistration
 * deactivates this component first, so in-flight rows are still finished. Stopping the bundle lets
 * runs in flight finish within {@code shutdownGrace}, then aborts them.
 */
@Component(service = JobScheduler.class, immediate = true, configurationPid = SchedulerComponent.PID)
@Designate(ocd = SchedulerConfig.class)
public final class SchedulerComponent implements JobScheduler {

    /** The configuration PID. */
    public static final String PID = "dev.otto.scheduler";

    private final Logger logger;
    private final Scheduler scheduler;
    private final ScheduledExecutorService ticker;
    private ScheduledFuture<?> ticking; // guarded by this
    private volatile String lastTickProblem;

    // dynamic and optional: the tools bundle can be stopped or updated while jobs run (JobTools says what then)
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SopLibrary sopLibrary;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HookRunner hookRunner;

    @Activate
    public SchedulerComponent(@Reference JobRepository jobs, @Reference JobRunRepository runs,
            @Reference ModelRouter router, @Reference(service = LoggerFactory.class) Logger logger,
            SchedulerConfig config) {
        this.logger = logger;
        Settings settings = settingsOrDefaults(config, Settings.defaults());
        JobTools tools = new JobTools(() -> sopLibrary, () -> hookRunner, logger::warn);
        this.scheduler = new Scheduler(jobs, runs, router, Clock.systemDefaultZone(),
                Executors.newCachedThreadPool(threads("otto-job-run-")), settings, new Scheduler.Log() {
                    @Override
                    public void info(String message) {
                        logger.info(message);
                    }

                    @Override
                    public void warn(String message) {
                        logger.warn(message);
                    }
                }, tools);
        this.ticker = Executors.newSingleThreadScheduledExecutor(threads("otto-scheduler-tick-"));
        scheduler.start();
        schedule(settings.tickInterval());
        // run ends kept while the job database refused writes (a full disk) land within a second of it recovering
        ticker.scheduleWithFixedDelay(scheduler::retryUnrecorded, 1, 1, TimeUnit.SECONDS);
        logger.info("scheduler started: " + settings);
    }

    @Modified
    void modified(SchedulerConfig config) {
        Settings before = scheduler.settings();
        Settings after = settingsOrDefaults(config, before);
        scheduler.update(after);
        if (!after.tickInterval().equals(before.tickInterval())) {
            schedule(after.tickInterval());
        }
        logger.info("scheduler configuration applied: " + after);
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            ticker.shutdownNow();
        }
        scheduler.shutdown();
        logger.info("scheduler stopped");
    }

    @Override
    public JobRun runNow(long jobId) {
        return scheduler.runNow(jobId);
    }

    @Override
    public Instant checkSchedule(String schedule) {
        return scheduler.checkSchedule(schedule);
    }

    @Override
    public Optional<Instant> reschedule(long jobId) {
        Optional<Instant> next = scheduler.nextDue(jobId);
        synchronized (this) {
            try {
                ticker.execute(this::tick); // at once: a job edited to be due now does not wait a whole tick
            } catch (RejectedExecutionException stopping) {
                // deactivated meanwhile: nothing runs anyway
            }
        }
        return next;
    }

    private synchronized void schedule(Duration every) {
        if (ticking != null) {
            ticking.cancel(false);
        }
        long millis = every.toMillis();
        ticking = ticker.scheduleWithFixedDelay(this::tick, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            scheduler.tick();
            lastTickProblem = null;
        } catch (RuntimeException | LinkageError e) {
            // caught, or the executor would silently cancel every later tick.
            // e.g. the database is closing; said once until it changes, so a 15 s tick does not flood the log
            String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!problem.equals(lastTickProblem)) {
                lastTickProblem = problem;
                logger.warn("looking for due jobs failed: " + problem);
            }
        }
    }

    /** An invalid configuration keeps what was in force (or the defaults), with one error naming the property. */
    private Settings settingsOrDefaults(SchedulerConfig config, Settings fallback) {
        try {
            return Settings.from(config);
        } catch (IllegalArgumentException e) {
            logger.error("configuration " + PID + " rejected, keeping " + fallback + ": " + e.getMessage());
            return fallback;
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
