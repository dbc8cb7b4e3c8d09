package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.store.TelemetryStore;

/**
 * Every runtime path that runs a model, end to end through the real OpenCode server with a
 * provider that fails and then answers: {@code otto:ask} (interactiveAssistant), a scheduled job
 * with its own model (scheduledTasks), a heartbeat job on its flow default, and the
 * watchdogFailures run after N failures in a row; each checked for resolution source, attempts,
 * reasons and the telemetry the sinks wrote.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class RuntimePathsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ModelRef BACKUP = ModelRef.parse("backup/echo");

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        FaultProvider stub = FaultProvider.start();
        Runtime.getRuntime().addShutdownHook(new Thread(stub::close));
        OpenCodeServer server = OpenCodeServer.start("\"model\": \"" + BACKUP + "\", \"provider\": {"
                + stub.opencodeProvider("stub") + ", " + stub.opencodeProvider("backup") + "}");
        return OttoContainer.options(server.url(), "\"flowDefaults\": {\"interactiveAssistant\": \"stub/fail-500\","
                + " \"heartbeat\": \"stub/overloaded\", \"watchdogFailures\": \"stub/fail-500\"},"
                + " \"routing\": {\"fallbackChain\": [\"" + BACKUP + "\"], \"firstTokenTimeout\": \"PT10S\"}");
    }

    @Test
    public void a_otto_askFailsOverAndSaysSoAsItHappens() {
        String out = execute("otto:ask say hello");
        assertTrue(out, out.contains("stub/fail-500 failed after"));
        assertTrue(out, out.contains("provider_5xx (Provider5xx)"));
        assertTrue(out, out.contains("hello from stub"));
        assertTrue(out, out.contains("backup/echo"));
        RunTelemetry run = telemetry(r -> r.flow() == Flow.INTERACTIVE_ASSISTANT);
        assertEquals(ResolutionSource.FLOW_DEFAULT, run.resolutionSource());
        assertEquals(ModelRef.parse("stub/fail-500"), run.selectedModel());
        assertEquals(BACKUP, run.finalModel());
        assertEquals(List.of(ReasonCode.PROVIDER_5XX), run.transitions().stream().map(ModelTransition::reason)
                .collect(Collectors.toList()));
    }

    @Test
    public void b_aScheduledJobWithItsOwnModelAndAHeartbeatJobOnItsFlowDefaultBothFailOver() throws Exception {
        scheduler(3, "");
        JobRepository jobs = service(JobRepository.class);
        JobRunRepository runs = service(JobRunRepository.class);
        Job scheduled = jobs.create(new JobDraft("paths-scheduled", Flow.SCHEDULED_TASKS, "PT1S", "say hello", true,
                ModelRef.parse("stub/quota")));
        Job heartbeat = jobs.create(new JobDraft("paths-heartbeat", Flow.HEARTBEAT, "PT1S", "ping", true, null));
        try {
            JobRun job = finished(runs, scheduled.id(), JobRunTrigger.SCHEDULE);
            assertEquals(job.toString(), JobRunOutcome.SUCCESS, job.outcome());
            assertEquals(ResolutionSource.JOB, job.resolutionSource());
            assertEquals(BACKUP, job.finalModel());
            assertEquals(2, job.attempts());
            assertEquals(List.of(ReasonCode.CAPACITY), job.fallbackReasons());
            RunTelemetry jobRun = telemetry(r -> Long.valueOf(scheduled.id()).equals(r.jobId()));
            assertEquals(Flow.SCHEDULED_TASKS, jobRun.flow());
            assertEquals("QuotaExceeded", jobRun.transitions().get(0).errorClass().name());

            JobRun beat = finished(runs, heartbeat.id(), JobRunTrigger.SCHEDULE);
            assertEquals(beat.toString(), JobRunOutcome.SUCCESS, beat.outcome());
            assertEquals(ResolutionSource.FLOW_DEFAULT, beat.resolutionSource());
            assertEquals(BACKUP, beat.finalModel());
            RunTelemetry beatRun = telemetry(r -> Long.valueOf(heartbeat.id()).equals(r.jobId()));
            assertEquals(Flow.HEARTBEAT, beatRun.flow());
            assertEquals(ModelRef.parse("stub/overloaded"), beatRun.selectedModel());
            assertEquals("Overloaded", beatRun.transitions().get(0).errorClass().name());
        } finally {
            jobs.delete(scheduled.id());
            jobs.delete(heartbeat.id());
        }
    }

    @Test
    public void c_afterTwoFailuresInARowTheWatchdogRunFailsOverToo() throws Exception {
        scheduler(2, "Look into these failures.");
        JobRepository jobs = service(JobRepository.class);
        JobRunRepository runs = service(JobRunRepository.class);
        // a request the provider rejects as malformed: the policy stops, so each run fails
        Job failing = jobs.create(new JobDraft("paths-failing", Flow.SCHEDULED_TASKS, "PT1S", "say hello", true,
                ModelRef.parse("stub/bad-request")));
        try {
            JobRun watchdog = finished(runs, failing.id(), JobRunTrigger.WATCHDOG);
            assertTrue(runs.runsOf(failing.id(), 50).stream().filter(r -> r.trigger() == JobRunTrigger.SCHEDULE)
                    .filter(r -> r.outcome() == JobRunOutcome.FAILED).count() >= 2);
            assertEquals(watchdog.toString(), JobRunOutcome.SUCCESS, watchdog.outcome());
            assertEquals(ResolutionSource.FLOW_DEFAULT, watchdog.resolutionSource());
            assertEquals(BACKUP, watchdog.finalModel());
            assertEquals(List.of(ReasonCode.PROVIDER_5XX), watchdog.fallbackReasons());
            RunTelemetry run = telemetry(r -> r.flow() == Flow.WATCHDOG_FAILURES);
            assertEquals(ModelRef.parse("stub/fail-500"), run.selectedModel());
            assertEquals(BACKUP, run.finalModel());
        } finally {
            jobs.delete(failing.id());
        }
    }

    private void scheduler(int failuresBeforeWatchdog, String watchdogPrompt) throws Exception {
        ConfigurationAdmin configAdmin = service(ConfigurationAdmin.class);
        Dictionary<String, Object> scheduler = new Hashtable<>();
        scheduler.put("tickInterval", "PT0.2S");
        scheduler.put("failuresBeforeWatchdog", failuresBeforeWatchdog);
        scheduler.put("watchdogPrompt", watchdogPrompt);
        configAdmin.getConfiguration("dev.otto.scheduler", "?").update(scheduler);
    }

    private JobRun finished(JobRunRepository runs, long jobId, JobRunTrigger trigger) {
        return Eventually.await("a finished " + trigger.wireName() + " run of job " + jobId, WAIT, () -> runs.runsOf(jobId, 50)
                .stream().filter(r -> r.trigger() == trigger && r.outcome() != JobRunOutcome.RUNNING).findFirst()
                .orElse(null));
    }

    /** The newest run the highest-ranked telemetry store has that matches, once it has arrived there. */
    private RunTelemetry telemetry(java.util.function.Predicate<RunTelemetry> which) {
        return Eventually.await("the run's telemetry in the store", WAIT, () -> {
            TelemetryStore store = store();
            return store == null ? null : store.recentRuns(100).stream().filter(which).findFirst().orElse(null);
        });
    }

    private TelemetryStore store() {
        try {
            return context.getServiceReferences(TelemetryStore.class, null).stream()
                    .max(Comparator.comparing((ServiceReference<TelemetryStore> r) -> {
                        Object ranking = r.getProperty(Constants.SERVICE_RANKING);
                        return ranking instanceof Integer ? (Integer) ranking : 0;
                    })).map(context::getService).orElse(null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> reference = Eventually.await(type.getSimpleName(), WAIT, () -> context.getServiceReference(type));
        return context.getService(reference);
    }

    /** What the operator would see: the command's output and its result (or error message). */
    private String execute(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            return out.toString(StandardCharsets.UTF_8) + result;
        } catch (Exception e) {
            return out.toString(StandardCharsets.UTF_8) + e.getMessage();
        }
    }
}
