package dev.otto.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.HookPhase;
import dev.otto.api.tools.HookResult;
import dev.otto.api.tools.HookRunner;
import dev.otto.api.tools.HookStatus;
import dev.otto.api.tools.Sop;
import dev.otto.api.tools.SopLibrary;
import dev.otto.support.testing.MutableClock;

/** Due, overlap, missed-run, watchdog and shutdown behaviour, with a clock the test moves. */
class SchedulerTest {

    private static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef GPT = ModelRef.parse("openai/gpt-5.2");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock(T0);
    private final Fakes.Jobs jobs = new Fakes.Jobs(clock);
    private final Fakes.Runs runs = new Fakes.Runs(jobs);
    private final Fakes.Router router = new Fakes.Router();
    private final Fakes.Log log = new Fakes.Log();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private Scheduler scheduler = scheduler(Settings.defaults());

    private Scheduler scheduler(Settings settings) {
        return new Scheduler(jobs, runs, router, clock, pool, settings, log);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void tickAndSettle() {
        scheduler.tick();
        await("no run in flight", () -> scheduler.running().isEmpty());
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void anIntervalJobRunsWhenItsIntervalHasPassedWithItsFlowAndModel() {
        Job job = jobs.add("digest", "PT15M", GPT);
        clock.advance(Duration.ofMinutes(14));
        tickAndSettle();
        assertThat(router.requests).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        assertThat(router.requests).hasSize(1);
        assertThat(router.requests.get(0).flow()).isEqualTo(Flow.SCHEDULED_TASKS);
        assertThat(router.requests.get(0).jobId()).isEqualTo(job.id());
        assertThat(router.requests.get(0).jobModelRef()).isEqualTo(GPT);
        JobRun run = runs.of(job.id(), JobRunTrigger.SCHEDULE).get(0);
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(run.resolutionSource()).isEqualTo(ResolutionSource.JOB);
        assertThat(run.finalModel()).isEqualTo(GPT);
        assertThat(run.reason()).isEqualTo(ReasonCode.NONE);
        assertThat(run.startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
        assertThat(run.tokensIn()).isEqualTo(10);

        // the next one is an interval after that start, not after the job's creation
        clock.advance(Duration.ofMinutes(14));
        tickAndSettle();
        assertThat(router.requests).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        assertThat(router.requests).hasSize(2);
    }

    @Test
    void aCronJobRunsAtItsNextCronTimeInTheClocksZone() {
        Job job = jobs.add("nightly", "0 3 * * *", null);
        clock.set(Instant.parse("2026-11-22T02:59:59Z"));
        tickAndSettle();
        assertThat(router.requests).isEmpty();
        clock.set(Instant.parse("2026-11-22T03:00:00Z"));
        tickAndSettle();
        assertThat(runs.of(job.id(), JobRunTrigger.SCHEDULE)).singleElement()
                .satisfies(run -> assertThat(run.resolutionSource()).isEqualTo(ResolutionSource.FLOW_DEFAULT));
        clock.set(Instant.parse("2026-11-22T12:00:00Z"));
        tickAndSettle();
        assertThat(router.requests).hasSize(1);
    }

    @Test
    void disabledJobsAndInvalidSchedulesDoNotRunAndABadScheduleIsReportedOnce() {
        jobs.create(new dev.otto.api.job.JobDraft("off", Flow.HEARTBEAT, "PT1M", "p", false, null));
        Job bad = jobs.add("bad", "every day at noon", null);
        clock.advance(Duration.ofDays(2));
        tickAndSettle();
        tickAndSettle();
        assertThat(router.requests).isEmpty();
        assertThat(log.lines).filteredOn(l -> l.startsWith("WARN job " + bad.id() + " is not scheduled")).hasSize(1);
    }

    @Test
    void aJobIsNeverRunTwiceAtOnce() throws Exception {
        Job job = jobs.add("slow", "PT1M", null);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        router.behaviour = request -> {
            entered.countDown();
            release.await();
            return Fakes.Router.answer(request);
        };
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        scheduler.tick();
        assertThatThrownBy(() -> scheduler.runNow(job.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is running already");
        assertThat(router.requests).hasSize(1);

        release.countDown();
        await("the run ended", () -> scheduler.running().isEmpty());
        assertThat(runs.runsOf(job.id(), 10)).singleElement()
                .satisfies(run -> assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS));
    }

    @Test
    void afterDowntimeAMissedJobRunsOnceNotOncePerMissedSlot() {
        Job job = jobs.add("hourly", "PT1H", null);
        // an earlier process ran it at T0 + 1h, then Otto was down for ten hours
        JobRun before = runs.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0.plus(Duration.ofHours(1)));
        runs.recordFinish(before.id(), new JobRunEnd(T0.plus(Duration.ofHours(1)), JobRunOutcome.SUCCESS, null, null,
                null, ReasonCode.NONE, null, List.of(), 1, 0, 0));
        clock.advance(Duration.ofHours(11));

        scheduler.start();
        tickAndSettle();
        tickAndSettle();
        clock.advance(Duration.ofMinutes(59));
        tickAndSettle();
        assertThat(router.requests).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        assertThat(router.requests).hasSize(2);
    }

    @Test
    void runsLeftRunningByADeadProcessAreMarkedAbortedAtStart() {
        Job job = jobs.add("x", "PT1H", null);
        JobRun orphan = runs.recordStart(job.id(), JobRunTrigger.SCHEDULE, T0);
        clock.advance(Duration.ofMinutes(5));
        scheduler.start();
        assertThat(runs.findRun(orphan.id()).orElseThrow().outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(log.lines).anyMatch(l -> l.startsWith("WARN 1 job run was still recorded as running"));
    }

    @Test
    void theParallelLimitCapsScheduledRuns() throws Exception {
        for (int i = 0; i < 3; i++) {
            jobs.add("j" + i, "PT1M", null);
        }
        CountDownLatch release = new CountDownLatch(1);
        router.behaviour = request -> {
            release.await();
            return Fakes.Router.answer(request);
        };
        scheduler.update(Settings.defaults().withMaxParallelRuns(2));
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        await("two runs in flight", () -> router.requests.size() == 2);
        scheduler.tick();
        assertThat(scheduler.running()).hasSize(2);
        release.countDown();
        await("idle", () -> scheduler.running().isEmpty());
        tickAndSettle();
        assertThat(router.requests).hasSize(3);
    }

    @Test
    void afterNFailuresInARowOneWatchdogRunIsRoutedWithASummaryAndNotAgainUntilASuccess() {
        scheduler.update(Settings.defaults().withWatchdog(3, "Look into these failures."));
        Job job = jobs.add("flaky", "PT1M", GPT);
        router.behaviour = request -> {
            if (request.flow() == Flow.WATCHDOG_FAILURES) {
                return Fakes.Router.answer(request);
            }
            throw Fakes.Router.fail(request, RunOutcome.FAILED, ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX);
        };
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            tickAndSettle();
        }
        assertThat(router.of(Flow.SCHEDULED_TASKS)).hasSize(5);
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).singleElement().satisfies(watchdog -> {
            assertThat(watchdog.jobId()).isEqualTo(job.id());
            assertThat(watchdog.jobModelRef()).isNull();
            assertThat(watchdog.prompt()).startsWith("Look into these failures.\n\n")
                    .contains("Job " + job.id() + " (flaky, flow scheduledTasks, schedule PT1M) failed 3 times in a row.")
                    .contains("failed, reason provider_5xx, error class Provider5xx, final model opencode/default-model,"
                            + " 2 attempts, fallbacks provider_5xx, provider_5xx")
                    .doesNotContain("SECRET-PROMPT");
        });
        List<JobRun> failed = runs.of(job.id(), JobRunTrigger.SCHEDULE);
        assertThat(failed).allSatisfy(run -> {
            assertThat(run.outcome()).isEqualTo(JobRunOutcome.FAILED);
            assertThat(run.resolutionSource()).isEqualTo(ResolutionSource.JOB);
            assertThat(run.errorClass()).isEqualTo(ErrorClass.PROVIDER_5XX);
        });
        assertThat(runs.of(job.id(), JobRunTrigger.WATCHDOG)).singleElement()
                .satisfies(run -> assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS));

        // one success resets the count; three more failures route the watchdog again
        router.behaviour = Fakes.Router::answer;
        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        router.behaviour = request -> {
            throw Fakes.Router.fail(request, RunOutcome.TIMED_OUT, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR);
        };
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(1));
            tickAndSettle();
        }
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).hasSize(2);
        assertThat(router.of(Flow.WATCHDOG_FAILURES).get(1).prompt()).contains("timed_out, reason timeout");
        assertThat(log.lines).noneMatch(l -> l.contains("SECRET-PROMPT") || l.contains("Look into"));
    }

    @Test
    void withoutAWatchdogPromptNoWatchdogRunIsRouted() {
        Job job = jobs.add("flaky", "PT1M", null);
        router.behaviour = request -> {
            throw Fakes.Router.fail(request, RunOutcome.FAILED, ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED);
        };
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(1));
            tickAndSettle();
        }
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).isEmpty();
        assertThat(runs.of(job.id(), JobRunTrigger.SCHEDULE)).hasSize(4);
    }

    @Test
    void aRestartRemembersTheFailureStreakAndThatTheWatchdogRan() {
        Settings watchdog = Settings.defaults().withWatchdog(2, "Check.");
        scheduler.update(watchdog);
        Job job = jobs.add("flaky", "PT1M", null);
        router.behaviour = request -> {
            if (request.flow() == Flow.WATCHDOG_FAILURES) {
                return Fakes.Router.answer(request);
            }
            throw Fakes.Router.fail(request, RunOutcome.FAILED, ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX);
        };
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(1));
            tickAndSettle();
        }
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).hasSize(1);

        scheduler = scheduler(watchdog); // a new process over the same records
        scheduler.start();
        clock.advance(Duration.ofMinutes(1));
        tickAndSettle();
        assertThat(router.of(Flow.SCHEDULED_TASKS)).hasSize(3);
        assertThat(router.of(Flow.WATCHDOG_FAILURES)).hasSize(1);
    }

    @Test
    void runNowRunsInTheCallersThreadAndRecordsAManualRun() {
        Job job = jobs.add("digest", "P1D", GPT);
        JobRun run = scheduler.runNow(job.id());
        assertThat(run.trigger()).isEqualTo(JobRunTrigger.MANUAL);
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(run.finalModel()).isEqualTo(GPT);
        assertThat(runs.findRun(run.id())).contains(run);
        assertThatThrownBy(() -> scheduler.runNow(99)).isInstanceOf(NoSuchJobException.class);
    }

    @Test
    void shutdownLetsARunInFlightFinishWithinTheGrace() throws Exception {
        Job job = jobs.add("slow", "PT1M", null);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        router.behaviour = request -> {
            entered.countDown();
            release.await();
            return Fakes.Router.answer(request);
        };
        scheduler.update(Settings.defaults().withShutdownGrace(Duration.ofSeconds(30)));
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Thread releaser = new Thread(() -> {
            await("shutdown began", scheduler::stopping);
            release.countDown();
        });
        releaser.start();
        scheduler.shutdown();
        releaser.join(10_000);
        assertThat(runs.runsOf(job.id(), 10)).singleElement()
                .satisfies(run -> assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS));
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        assertThat(router.requests).hasSize(1);
        assertThatThrownBy(() -> scheduler.runNow(job.id())).hasMessageContaining("stopping");
    }

    @Test
    void shutdownInterruptsARunThatOutlastsTheGraceAndRecordsItAborted() throws Exception {
        Job job = jobs.add("stuck", "PT1M", null);
        CountDownLatch entered = new CountDownLatch(1);
        router.behaviour = request -> {
            entered.countDown();
            new CountDownLatch(1).await(); // until interrupted
            throw new AssertionError("unreachable");
        };
        scheduler.update(Settings.defaults().withShutdownGrace(Duration.ofMillis(100)));
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        scheduler.shutdown();
        assertThat(scheduler.running()).isEmpty();
        JobRun run = runs.runsOf(job.id(), 10).get(0);
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.ABORTED);
        assertThat(run.finishedAt()).isNotNull();
    }

    @Test
    void aRunThatIgnoresTheInterruptStillHasItsRowClosedAsAborted() throws Exception {
        Job job = jobs.add("deaf", "PT1M", null);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        router.behaviour = request -> {
            entered.countDown();
            while (never.getCount() > 0) {
                try {
                    never.await();
                } catch (InterruptedException ignored) {
                    // a misbehaving invoker: keeps going
                }
            }
            return Fakes.Router.answer(request);
        };
        scheduler.update(Settings.defaults().withShutdownGrace(Duration.ofMillis(50)));
        scheduler.abortWait(Duration.ofMillis(100));
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        scheduler.shutdown();
        assertThat(runs.runsOf(job.id(), 10).get(0).outcome()).isEqualTo(JobRunOutcome.ABORTED);

        never.countDown(); // when it finally returns, the first end stays
        await("the deaf run ended", () -> scheduler.running().isEmpty());
        assertThat(runs.runsOf(job.id(), 10).get(0).outcome()).isEqualTo(JobRunOutcome.ABORTED);
    }

    /** A hook runner that ends each hook as told and remembers what it was asked. */
    private static final class Hooks implements HookRunner {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> variables = new CopyOnWriteArrayList<>();
        volatile HookStatus preRun = HookStatus.OK;
        volatile HookStatus postRun = HookStatus.OK;

        @Override
        public HookResult run(HookPhase phase, HookCommand command, Map<String, String> vars) {
            calls.add(phase.wireName() + " " + command.program());
            variables.add(vars);
            HookStatus status = phase == HookPhase.PRE_RUN ? preRun : postRun;
            Integer exit = status == HookStatus.OK ? Integer.valueOf(0) : status == HookStatus.FAILED ? Integer.valueOf(3) : null;
            return new HookResult(phase, command.program(), status, exit, "", 0, false, Duration.ZERO,
                    phase.label() + " hook " + command.program() + (status == HookStatus.OK ? " succeeded"
                            : status == HookStatus.FAILED ? " exited with status 3" : " ran out of time"));
        }
    }

    /** An SOP library that marks where it put the SOPs. */
    private static class Library implements SopLibrary {
        @Override
        public Path folder() {
            return Path.of("sops");
        }

        @Override
        public List<String> names() {
            return List.of();
        }

        @Override
        public Optional<Sop> find(String name) {
            return Optional.empty();
        }

        @Override
        public List<Sop> resolve(List<String> names) {
            return List.of();
        }

        @Override
        public String applyTo(String prompt, List<String> names) {
            return "SOPS " + names + "\n" + prompt;
        }
    }

    private Job jobWithTools(List<String> sops, HookCommand pre, HookCommand post) {
        return jobs.create(new dev.otto.api.job.JobDraft("tooled", Flow.SCHEDULED_TASKS, "PT1H", "the prompt", true, null,
                sops, pre, post));
    }

    @Test
    void aJobsSopsGoBeforeItsPromptAndWithoutALibraryItRunsOnItsOwnPromptWithOneWarning() {
        Library library = new Library();
        Library[] bound = { library };
        scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log,
                new JobTools(() -> bound[0], () -> null, log::warn));
        Job job = jobWithTools(List.of("python-env", "search"), null, null);

        scheduler.runNow(job.id());
        assertThat(router.requests.get(0).prompt()).isEqualTo("SOPS [python-env, search]\nthe prompt");

        bound[0] = null; // the tools bundle stopped
        scheduler.runNow(job.id());
        scheduler.runNow(job.id());
        assertThat(router.requests.get(1).prompt()).isEqualTo("the prompt");
        assertThat(router.requests.get(2).prompt()).isEqualTo("the prompt");
        assertThat(log.lines.stream().filter(l -> l.contains("no SOP library is active"))).containsExactly(
                "WARN job " + job.id() + " names SOPs [python-env, search] but no SOP library is active (start the"
                        + " dev.otto.tools bundle): it runs with its own prompt only");
        assertThat(runs.of(job.id(), JobRunTrigger.MANUAL)).allSatisfy(
                run -> assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS));
    }

    @Test
    void aFailingPreRunHookSkipsTheRunWithItsReasonAndNeitherRoutesNorCountsAsAFailure() {
        Hooks hooks = new Hooks();
        hooks.preRun = HookStatus.FAILED;
        scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults().withWatchdog(1, "watch this"),
                log, new JobTools(() -> null, () -> hooks, log::warn));
        Job job = jobWithTools(List.of(), HookCommand.of("check.sh", "--quick"), HookCommand.of("notify.sh"));

        JobRun run = scheduler.runNow(job.id());
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.SKIPPED);
        assertThat(run.note()).isEqualTo("skipped: pre-run hook check.sh exited with status 3");
        assertThat(run.attempts()).isZero();
        assertThat(runs.of(job.id(), JobRunTrigger.MANUAL)).containsExactly(run);
        assertThat(router.requests).as("no model was asked, no watchdog either").isEmpty();
        assertThat(hooks.calls).as("no post-run hook after a skipped run").containsExactly("pre_run check.sh");
        assertThat(hooks.variables.get(0)).containsEntry("OTTO_JOB_ID", String.valueOf(job.id()))
                .containsEntry("OTTO_RUN_ID", String.valueOf(run.id())).containsEntry("OTTO_RUN_TRIGGER", "manual")
                .doesNotContainKey("OTTO_RUN_OUTCOME");
        assertThat(hooks.variables.get(0).values()).noneMatch(v -> v.contains("the prompt"));
        assertThat(log.lines).anyMatch(l -> l.startsWith("INFO job " + job.id() + " run " + run.id() + " (manual) skipped")
                && l.endsWith("; skipped: pre-run hook check.sh exited with status 3"));

        hooks.preRun = HookStatus.TIMED_OUT;
        assertThat(scheduler.runNow(job.id()).note()).isEqualTo("skipped: pre-run hook check.sh ran out of time");
        assertThat(router.requests).isEmpty();
    }

    @Test
    void aPostRunHookSeesTheOutcomeAndItsFailureIsNotedWithoutChangingTheOutcome() {
        Hooks hooks = new Hooks();
        scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log,
                new JobTools(() -> null, () -> hooks, log::warn));
        Job job = jobWithTools(List.of(), HookCommand.of("check.sh"), HookCommand.of("notify.sh"));

        JobRun ok = scheduler.runNow(job.id());
        assertThat(ok.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(ok.note()).isNull();
        assertThat(hooks.calls).containsExactly("pre_run check.sh", "post_run notify.sh");
        assertThat(hooks.variables.get(1)).containsEntry("OTTO_RUN_OUTCOME", "success")
                .containsEntry("OTTO_RUN_FINAL_MODEL", Fakes.DEFAULT.toString());

        hooks.postRun = HookStatus.FAILED;
        router.behaviour = request -> {
            throw Fakes.Router.fail(request, RunOutcome.FAILED, ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX);
        };
        JobRun failed = scheduler.runNow(job.id());
        assertThat(failed.outcome()).isEqualTo(JobRunOutcome.FAILED);
        assertThat(failed.note()).isEqualTo("post-run hook notify.sh exited with status 3");
        assertThat(hooks.variables.get(3)).containsEntry("OTTO_RUN_OUTCOME", "failed");
    }

    @Test
    void aPreRunHookWithNoHookRunnerSkipsTheRunSayingWhatToStart() {
        scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log,
                new JobTools(() -> null, () -> null, log::warn));
        Job job = jobWithTools(List.of(), HookCommand.of("check.sh"), null);
        JobRun run = scheduler.runNow(job.id());
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.SKIPPED);
        assertThat(run.note()).isEqualTo("skipped: pre-run hook check.sh could not run, no hook runner is active"
                + " (start the dev.otto.tools bundle)");
        assertThat(router.requests).isEmpty();
    }

    @Test
    void aHookRunnerOrLibraryThatThrowsNeverLeavesARunUnrecorded() {
        HookRunner throwing = (phase, command, variables) -> {
            throw new IllegalArgumentException("bad variable");
        };
        Library broken = new Library() {
            @Override
            public String applyTo(String prompt, List<String> names) {
                throw new IllegalStateException("disk gone");
            }
        };
        scheduler = new Scheduler(jobs, runs, router, clock, pool, Settings.defaults(), log,
                new JobTools(() -> broken, () -> throwing, log::warn));
        Job gated = jobWithTools(List.of("python-env"), HookCommand.of("check.sh"), null);
        JobRun skipped = scheduler.runNow(gated.id());
        assertThat(skipped.outcome()).isEqualTo(JobRunOutcome.SKIPPED);
        assertThat(skipped.note()).isEqualTo("skipped: pre-run hook check.sh could not run (IllegalArgumentException)");

        Job after = jobWithTools(List.of("python-env"), null, HookCommand.of("notify.sh"));
        JobRun run = scheduler.runNow(after.id());
        assertThat(run.outcome()).isEqualTo(JobRunOutcome.SUCCESS);
        assertThat(run.note()).isEqualTo("post-run hook notify.sh could not run (IllegalArgumentException)");
        assertThat(router.requests.get(0).prompt()).isEqualTo("the prompt");
        assertThat(log.lines).contains("WARN job " + after.id()
                + ": its SOPs could not be read (IllegalStateException): it runs with its own prompt only");
        assertThat(runs.of(after.id(), JobRunTrigger.MANUAL)).noneMatch(r -> r.outcome() == JobRunOutcome.RUNNING);
    }
}
