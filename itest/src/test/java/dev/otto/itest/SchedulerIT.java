package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.JobScheduler;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;

/**
 * The scheduler in the container, through the real router and the real catalog of the shared
 * OpenCode server (the echo invoker answers the runs): a job with its own model, run on schedule,
 * records that model and the resolution source {@code job} in job_runs; {@code otto:job-run}
 * does the same on demand; stopping the scheduler bundle leaves no run recorded as running.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SchedulerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ModelRef OVERRIDE = ModelRef.parse("openai/gpt-5.2");

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        return OttoContainer.options();
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> reference = Eventually.await(type.getSimpleName(), WAIT, () -> context.getServiceReference(type));
        return context.getService(reference);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    @Test
    public void aJobWithItsOwnModelRunsOnScheduleAndRecordsTheOverrideAsItsSource() throws Exception {
        Bundle invoker = context.installBundle(OttoContainer.testBundle("invoker").toUri().toString());
        invoker.start();
        Eventually.awaitTrue("the echo invoker bound", WAIT, () -> execute("otto:plugins").contains("itest-echo"));

        Configuration config = service(ConfigurationAdmin.class).getConfiguration("dev.otto.scheduler", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("tickInterval", "PT0.2S");
        config.update(properties);

        JobRepository jobs = service(JobRepository.class);
        JobRunRepository runs = service(JobRunRepository.class);
        service(JobScheduler.class);
        // a cron list loads the embedded cron-utils class with a static SLF4J logger: the tick must get
        // past it (to the next job) inside OSGi, where SLF4J is the bundle's private copy
        Job cron = jobs.create(new JobDraft("cron-list", Flow.HEARTBEAT, "0 3,15 * * 1-5", "ping", true, null));
        Job job = jobs.create(new JobDraft("scheduled-override", Flow.SCHEDULED_TASKS, "PT1S", "ping", true, OVERRIDE));

        JobRun run = Eventually.await("a finished scheduled run of job " + job.id(), WAIT, () -> runs.runsOf(job.id(), 20)
                .stream().filter(r -> r.trigger() == JobRunTrigger.SCHEDULE && r.outcome() != JobRunOutcome.RUNNING)
                .findFirst().orElse(null));
        assertEquals(JobRunOutcome.SUCCESS, run.outcome());
        assertEquals(ResolutionSource.JOB, run.resolutionSource());
        assertEquals(OVERRIDE, run.finalModel());
        assertEquals(ReasonCode.NONE, run.reason());
        assertEquals(1, run.attempts());
        assertTrue("the router's run id is kept", run.routerRunId() != null);
        assertTrue(runs.runsOf(cron.id(), 10).isEmpty());
        jobs.delete(cron.id());

        // on demand, through the shell: same recording, one result line
        jobs.update(job.id(), new JobDraft(job.name(), job.flow(), job.schedule(), job.prompt(), false, OVERRIDE));
        String line = Eventually.await("otto:job-run " + job.id(), WAIT, () -> {
            String out = execute("otto:job-run " + job.id());
            return out.contains("is running already") ? null : out;
        });
        assertTrue(line, line.matches("Job " + job.id() + " run \\d+: success on openai/gpt-5\\.2 \\(job\\), 1 attempt,"
                + " 10 in / 5 out tokens, \\d+ms\\."));
        assertTrue(runs.runsOf(job.id(), 50).stream().anyMatch(r -> r.trigger() == JobRunTrigger.MANUAL
                && r.resolutionSource() == ResolutionSource.JOB && OVERRIDE.equals(r.finalModel())));

        // stopping the bundle leaves no run recorded as running
        bundle("dev.otto.scheduler").stop();
        List<JobRun> after = runs.runsOf(job.id(), 50);
        assertTrue(after.toString(), after.stream().noneMatch(r -> r.outcome() == JobRunOutcome.RUNNING));
        assertTrue(execute("otto:job-run " + job.id()).startsWith("the scheduler is not available"));
        bundle("dev.otto.scheduler").start();
        invoker.uninstall();
    }

    /** The command's output, or its error message (as the shell would show it). */
    private String execute(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            return String.valueOf(session.execute(command));
        } catch (Exception e) {
            return e.getMessage();
        }
    }
}
