package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
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
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.SopLibrary;

/**
 * The whole runtime against the real OpenCode server, configured with a provider on loopback that
 * fails on purpose. OpenCode retries a provider's 500 and 429 for about a minute before it gives
 * up; Otto must notice the retry at once, abort, classify and fail over, so a run whose chain is 500 → 429 → answer ends on
 * the answer in seconds, with two model_fallback events.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OpenCodeFailoverIT {

    private static final String URL_PROPERTY = "otto.itest.failover.opencode";
    private static final String STUB_PORT_PROPERTY = "otto.itest.failover.stub";
    private static final ModelRef ECHO_2 = ModelRef.parse("stub/echo-2");
    private static final ModelRef FAIL_500 = ModelRef.parse("stub/fail-500");
    private static final ModelRef FAIL_429 = ModelRef.parse("stub/fail-429");
    private static final ModelRef ECHO = ModelRef.parse("stub/echo-1");
    private static final ModelRef HANG = ModelRef.parse("stub/hang");

    @Inject
    private BundleContext context;

    @Inject
    private ModelRouter router;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        StubProvider stub = StubProvider.start();
        OpenCodeServer server = OpenCodeServer.start("\"model\": \"" + ECHO + "\", \"provider\": {" + stub.opencodeProvider() + "}");
        // OpenCodeServer stops its servers at exit; the stub is a daemon-threaded server of this JVM
        Runtime.getRuntime().addShutdownHook(new Thread(stub::close));
        return OptionUtils.combine(OttoContainer.options(server.url(),
                "\"routing\": {\"fallbackChain\": [\"" + FAIL_429 + "\", \"" + ECHO + "\"], \"runDeadline\": \"PT3M\","
                        + " \"firstTokenTimeout\": \"PT10S\"}"),
                CoreOptions.systemProperty(URL_PROPERTY).value(server.url().toString()),
                CoreOptions.systemProperty(STUB_PORT_PROPERTY).value(String.valueOf(stub.port())));
    }

    /** A sink of the test's own: the router hands it every record, as it does the real sinks. */
    private List<TelemetryRecord> recordTelemetry(List<ServiceRegistration<?>> registrations) {
        List<TelemetryRecord> records = Collections.synchronizedList(new ArrayList<>());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("otto.plugin.name", "itest-recording");
        registrations.add(context.registerService(TelemetrySink.class, new TelemetrySink() {
            @Override
            public String name() {
                return "itest-recording";
            }

            @Override
            public void accept(TelemetryRecord record) {
                records.add(record);
            }
        }, properties));
        return records;
    }

    @Test
    public void a_a500ThenA429ThenAnAnswerEndsOnTheAnswerWithTwoFallbacks() throws Exception {
        // OpenCode loads a provider's SDK on its first prompt, which on a busy machine can outlast a
        // first-token limit; one answered run first, so that the 500 is what ends the first attempt
        assertEquals(ECHO, router.run(RunRequest.forTask(TaskType.CODING, "failover-warm-up", "say hello")
                .withUserOverride(ECHO)).finalModel());
        List<ServiceRegistration<?>> registrations = new ArrayList<>();
        List<TelemetryRecord> records = recordTelemetry(registrations);
        try {
            RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "failover-1", "say hello")
                    .withUserOverride(FAIL_500));
            assertEquals(ECHO, result.finalModel());
            assertEquals("hello from stub", result.text());
            assertEquals(List.of(ReasonCode.PROVIDER_5XX, ReasonCode.CAPACITY, ReasonCode.NONE),
                    result.attempts().stream().map(Attempt::reason).collect(Collectors.toList()));
            // aborted on OpenCode's first retry signal and read as the 500 it was (a deadline would be a timeout)
            assertEquals(ErrorClass.PROVIDER_5XX, result.attempts().get(0).errorClass());
            assertEquals(ErrorClass.RATE_LIMITED, result.attempts().get(1).errorClass());
            assertEquals(11, result.tokensIn());
            assertEquals(3, result.tokensOut());

            Eventually.awaitTrue("the run's telemetry", Duration.ofSeconds(10),
                    () -> records.stream().anyMatch(r -> r instanceof RunTelemetry));
            List<FallbackEvent> fallbacks = records.stream().filter(r -> r instanceof FallbackEvent)
                    .map(r -> (FallbackEvent) r).collect(Collectors.toList());
            assertEquals(2, fallbacks.size());
            assertEquals("provider_5xx", fallbacks.get(0).toWire().get("reason"));
            assertEquals("capacity", fallbacks.get(1).toWire().get("reason"));
            RunTelemetry run = (RunTelemetry) records.stream().filter(r -> r instanceof RunTelemetry).findFirst().orElseThrow();
            assertEquals(11, run.tokensIn());
            assertEquals(ECHO, run.finalModel());
            assertEquals(2, run.transitions().size());
            System.out.println("failover run took " + Duration.between(run.startedAt(), run.finishedAt()).toMillis() + " ms");
        } finally {
            registrations.forEach(ServiceRegistration::unregister);
        }
    }

    @Test
    public void b_aModelThatNeverAnswersIsAbandonedAtTheFirstTokenLimitAndItsSessionAborted() throws Exception {
        RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "failover-2", "say hello")
                .withUserOverride(HANG).withDeadline(Duration.ofSeconds(60)));
        assertEquals(ReasonCode.TIMEOUT, result.attempts().get(0).reason());
        assertEquals(ErrorClass.of("FirstTokenTimeout"), result.attempts().get(0).errorClass());
        assertTrue("the first-token limit, not the run deadline, ended it: " + result.attempts().get(0).duration(),
                result.attempts().get(0).duration().compareTo(Duration.ofSeconds(30)) < 0);
        assertEquals(HANG, result.attempts().get(0).model());
        assertEquals(ECHO, result.finalModel());
        // Otto aborted and deleted the session (after the attempt, off the run's thread)
        HttpClient client = HttpClient.newHttpClient();
        URI sessions = URI.create(System.getProperty(URL_PROPERTY) + "/session");
        Eventually.awaitTrue("no session of this run left in OpenCode", Duration.ofSeconds(20), () -> {
            try {
                return !client.send(HttpRequest.newBuilder(sessions).build(), HttpResponse.BodyHandlers.ofString()).body()
                        .contains("otto failover-2 attempt");
            } catch (java.io.IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertTrue(result.attempts().size() >= 2);
    }

    /**
     * Issue 8's scheduler path and issue 9's job tools, whole: the scheduler runs a job with its own
     * model through the router and the OpenCode invoker against the real server; the job's SOP text
     * reaches the provider before its prompt, its pre-run hook gates the run, its post-run hook
     * sees the outcome; job_runs records the override as the resolution source.
     */
    @Test
    public void c_aScheduledJobWithItsOwnModelRunsThroughOpenCodeWithItsSopAndHooks() throws Exception {
        Path dir = Files.createTempDirectory("otto-itest-jobtools");
        Path sops = Files.createDirectories(dir.resolve("sop"));
        String marker = "SOP-MARKER-" + System.nanoTime();
        Files.writeString(sops.resolve("itest-marker.md"), "# Marker\n\nAlways mention " + marker + ".\n");
        Path outcomeFile = dir.resolve("post-run.txt");
        ConfigurationAdmin configAdmin = context.getService(
                context.getServiceReference(ConfigurationAdmin.class));
        Dictionary<String, Object> tools = new Hashtable<>();
        tools.put("sopFolder", sops.toString());
        tools.put("sops", new String[] { "itest-marker" });
        configAdmin.getConfiguration("dev.otto.tools", "?").update(tools);
        Dictionary<String, Object> scheduler = new Hashtable<>();
        scheduler.put("tickInterval", "PT0.2S");
        configAdmin.getConfiguration("dev.otto.scheduler", "?").update(scheduler);
        Eventually.awaitTrue("the SOP library reads the configured folder", Duration.ofSeconds(30), () -> {
            SopLibrary library = service(SopLibrary.class);
            return library != null && library.names().contains("itest-marker");
        });

        JobRepository jobs = service(JobRepository.class);
        JobRunRepository runs = service(JobRunRepository.class);
        HookCommand postRun = new HookCommand(List.of("python3", "-c",
                "import os, sys; open(sys.argv[1], 'w').write(os.environ['OTTO_RUN_OUTCOME'] + ' '"
                        + " + os.environ['OTTO_RUN_FINAL_MODEL'])", outcomeFile.toString()), Duration.ofSeconds(30));
        Job job = jobs.create(new JobDraft("tooled-override",
                Flow.SCHEDULED_TASKS, "PT1S", "say hello", true, ECHO_2, List.of("itest-marker"),
                HookCommand.of("true"), postRun));
        try {
            JobRun run = Eventually.await("a finished scheduled run", Duration.ofSeconds(60),
                    () -> finishedScheduledRun(runs, job.id()));
            assertEquals(run.toString(), JobRunOutcome.SUCCESS, run.outcome());
            assertEquals(ResolutionSource.JOB, run.resolutionSource());
            assertEquals(ECHO_2, run.finalModel());
            assertEquals(1, run.attempts());
            assertEquals(11, run.tokensIn());
            assertEquals(3, run.tokensOut());
            assertEquals(null, run.note());
            int port = Integer.parseInt(System.getProperty(STUB_PORT_PROPERTY));
            assertTrue("the SOP's text reached the provider with the job's own model",
                    StubProvider.requestsFor(port, "echo-2", marker) >= 1);
            Eventually.awaitTrue("the post-run hook wrote the outcome", Duration.ofSeconds(10),
                    () -> Files.exists(outcomeFile));
            assertEquals("success " + ECHO_2, Files.readString(outcomeFile));

            // a failing pre-run hook: the next runs are skipped, with the reason, and nothing reaches the provider
            jobs.update(job.id(), jobs.get(job.id()).orElseThrow().toDraft()
                    .withHooks(HookCommand.of("false"), null));
            long sent = StubProvider.requestsFor(port, "echo-2", marker);
            JobRun skipped = Eventually.await("a skipped scheduled run", Duration.ofSeconds(30),
                    () -> runs.runsOf(job.id(), 20).stream()
                            .filter(r -> r.outcome() == JobRunOutcome.SKIPPED).findFirst().orElse(null));
            assertEquals("skipped: pre-run hook false exited with status 1", skipped.note());
            assertEquals(0, skipped.attempts());
            assertEquals(null, skipped.routerRunId());
            assertEquals(sent, StubProvider.requestsFor(port, "echo-2", marker));
        } finally {
            jobs.update(job.id(), jobs.get(job.id()).orElseThrow().toDraft().withHooks(null, null));
            jobs.delete(job.id());
        }
    }

    private static JobRun finishedScheduledRun(JobRunRepository runs, long jobId) {
        return runs.runsOf(jobId, 20).stream()
                .filter(r -> r.trigger() == JobRunTrigger.SCHEDULE
                        && r.outcome() != JobRunOutcome.RUNNING)
                .findFirst().orElse(null);
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> reference = Eventually.await(type.getSimpleName(), Duration.ofSeconds(30),
                () -> context.getServiceReference(type));
        return context.getService(reference);
    }
}
