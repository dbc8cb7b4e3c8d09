package dev.otto.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.support.testing.MutableClock;

/** What an edited job's schedule counts from, and the check job-add and job-edit make before storing. */
class SchedulerEditTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final Fakes.Jobs jobs = new Fakes.Jobs(clock);
    private final Fakes.Runs runs = new Fakes.Runs(jobs);
    private final Fakes.Router router = new Fakes.Router();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final Scheduler scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), new Fakes.Log());

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anEnabledOrRescheduledJobCountsFromTheChangeInsteadOfCatchingUpAtOnce() throws InterruptedException {
        Job job = jobs.create(new JobDraft("nightly", Flow.SCHEDULED_TASKS, "0 3 * * *", "p", false, null));
        assertThat(scheduler.nextDue(job.id())).isEmpty(); // disabled
        clock.advance(Duration.ofDays(2));
        Instant edited = clock.instant();
        jobs.update(job.id(), new JobDraft("nightly", Flow.SCHEDULED_TASKS, "PT10M", "p", true, null));

        assertThat(scheduler.nextDue(job.id())).contains(edited.plus(Duration.ofMinutes(10)));
        scheduler.tick();
        assertThat(scheduler.running()).isEmpty();
        assertThat(router.requests).isEmpty();

        clock.advance(Duration.ofMinutes(10));
        scheduler.tick();
        assertThat(scheduler.nextDue(job.id())).isPresent();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (router.requests.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(router.requests).hasSize(1);
    }

    @Test
    void checkScheduleUsesTheTickParserAndSaysWhenItWouldFirst() {
        assertThat(scheduler.checkSchedule("PT5M")).isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(scheduler.checkSchedule("0 3 * * *")).isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
        assertThatThrownBy(() -> scheduler.checkSchedule("*/0 * * * *")).hasMessageContaining("has a step of 0");
        assertThatThrownBy(() -> scheduler.checkSchedule("0 0 30 2 *")).hasMessageContaining("never fires");
        assertThatThrownBy(() -> scheduler.nextDue(99)).isInstanceOf(NoSuchJobException.class);
    }
}
