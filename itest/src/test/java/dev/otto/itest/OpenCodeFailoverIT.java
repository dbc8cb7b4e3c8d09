package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.osgi.framework.ServiceRegistration;

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * The whole runtime against the real OpenCode server, configured with a provider on loopback that
 * fails on purpose. OpenCode retries a provider's 500 and 429 without end; Otto must notice the
 * retry at once, abort, classify and fail over, so a run whose chain is 500 → 429 → answer ends on
 * the answer in seconds, with two model_fallback events.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class OpenCodeFailoverIT {

    private static final String URL_PROPERTY = "otto.itest.failover.opencode";
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
                "\"routing\": {\"fallbackChain\": [\"" + FAIL_429 + "\", \"" + ECHO + "\"], \"runDeadline\": \"PT3M\"}"),
                CoreOptions.systemProperty(URL_PROPERTY).value(server.url().toString()));
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
        List<ServiceRegistration<?>> registrations = new ArrayList<>();
        List<TelemetryRecord> records = recordTelemetry(registrations);
        try {
            RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "failover-1", "say hello")
                    .withUserOverride(FAIL_500));
            assertEquals(ECHO, result.finalModel());
            assertEquals("hello from stub", result.text());
            assertEquals(List.of(ReasonCode.PROVIDER_5XX, ReasonCode.CAPACITY, ReasonCode.NONE),
                    result.attempts().stream().map(Attempt::reason).collect(Collectors.toList()));
            // aborted on OpenCode's first retry signal, not at a deadline: the run never waits on endless retries
            assertEquals(ErrorClass.of("ProviderRetrying"), result.attempts().get(0).errorClass());
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
    public void b_aModelThatNeverAnswersIsAbandonedAtTheAttemptDeadlineAndItsSessionAborted() throws Exception {
        RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "failover-2", "say hello")
                .withUserOverride(HANG).withDeadline(Duration.ofSeconds(9)));
        assertEquals(ReasonCode.TIMEOUT, result.attempts().get(0).reason());
        assertEquals(HANG, result.attempts().get(0).model());
        assertEquals(ECHO, result.finalModel());
        // Otto aborted and deleted the session at the attempt deadline. (OpenCode itself goes on reporting
        // the deleted session "busy" until the provider's HTTP request ends: the stub never ends it.)
        HttpClient client = HttpClient.newHttpClient();
        URI sessions = URI.create(System.getProperty(URL_PROPERTY) + "/session");
        String list = client.send(HttpRequest.newBuilder(sessions).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue("no session of this run is left in OpenCode: " + list.length() + " chars",
                !list.contains("otto failover-2 attempt"));
        assertTrue(result.attempts().size() >= 2);
    }
}
