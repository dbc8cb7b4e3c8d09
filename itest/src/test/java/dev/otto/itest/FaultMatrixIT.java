package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.ModelInvoker;

/**
 * The fault matrix of itest/README.md, row by row, through the real OpenCode server and through
 * the OpenAI-compatible invoker: the same provider failure gives the same outcome, reason codes and
 * error classes on both paths, and fails over because of the signal or limit meant to trigger it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FaultMatrixIT {

    private static final String OPENCODE_PROPERTY = "otto.itest.matrix.opencode";
    private static final String STUB_PROPERTY = "otto.itest.matrix.stub";
    private static final String README_PROPERTY = "otto.itest.matrix.readme";
    private static final ModelRef BACKUP = ModelRef.parse("backup/echo");
    private static final ModelRef NOT_LISTED = ModelRef.parse("stub/not-listed");
    private static final Duration FIRST_TOKEN = Duration.ofSeconds(5);
    private static final Duration ATTEMPT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    private ModelRouter router;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        FaultProvider stub = FaultProvider.start();
        Runtime.getRuntime().addShutdownHook(new Thread(stub::close));
        OpenCodeServer server = OpenCodeServer.start("\"model\": \"" + BACKUP + "\", \"provider\": {"
                + stub.opencodeProvider("stub") + ", " + stub.opencodeProvider("backup") + ", "
                + stub.opencodeProvider("direct") + ", " + deadProvider() + "}");
        return OptionUtils.combine(OttoContainer.options(server.url(),
                "\"routing\": {\"fallbackChain\": [\"" + NOT_LISTED + "\", \"" + BACKUP + "\"], \"firstTokenTimeout\": \"PT5S\","
                        + " \"stallTimeout\": \"PT5S\", \"attemptTimeout\": \"PT30S\", \"runDeadline\": \"PT2M\"}"),
                CoreOptions.systemProperty(OPENCODE_PROPERTY).value(server.url().toString()),
                CoreOptions.systemProperty(STUB_PROPERTY).value(String.valueOf(stub.port())),
                CoreOptions.systemProperty(README_PROPERTY).value(Path.of("README.md").toAbsolutePath().toString()));
    }

    /** A provider whose port has nothing listening. */
    private static String deadProvider() {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "\"dead\": {\"npm\": \"@ai-sdk/openai-compatible\", \"name\": \"dead\", \"options\": {\"baseURL\": "
                + "\"http://127.0.0.1:" + port + "/v1\", \"apiKey\": \"x\"}, \"models\": {\"echo\": {\"name\": \"echo\"}}}";
    }

    /** One row of the README table. */
    private record Row(String model, List<String> paths, String outcome, String finalModel, List<String> attempts,
            String because) {
    }

    @Test
    public void a_everyRowOfTheMatrixHoldsOnBothPaths() throws Exception {
        routeDirectModelsStraightToTheStub();
        // a first prompt after OpenCode starts loads its plugins: keep that out of the limits below
        router.run(request("warm-up", ModelRef.parse("stub/echo")));
        List<String> problems = new ArrayList<>();
        for (Row row : rows()) {
            for (String path : row.paths()) {
                ModelRef model = row.model().contains("/") ? ModelRef.parse(row.model())
                        : ModelRef.of(path.equals("direct") ? "direct" : "stub", row.model());
                problems.addAll(check(row, path, model));
            }
        }
        assertTrue("fault matrix:\n" + String.join("\n", problems), problems.isEmpty());
    }

    private List<String> check(Row row, String path, ModelRef model) throws InterruptedException {
        String taskId = "matrix-" + row.model().replace('/', '-') + "-" + path;
        List<String> problems = new ArrayList<>();
        String where = row.model() + " via " + path + ": ";
        RunResult result;
        try {
            result = router.run(request(taskId, model));
        } catch (RoutingException e) {
            if (!row.outcome().equals(e.outcome().wireName())) {
                problems.add(where + "expected " + row.outcome() + ", got " + e.outcome().wireName() + " " + describe(e.attempts()));
            } else if (!describe(e.attempts()).equals(row.attempts())) {
                problems.add(where + "attempts " + describe(e.attempts()) + ", expected " + row.attempts());
            } else if (!e.lastModel().equals(model) || e.attempts().get(0).duration().compareTo(FIRST_TOKEN) >= 0) {
                problems.add(where + "ended on " + e.lastModel() + " after " + e.attempts().get(0).duration());
            }
            problems.addAll(noSessionLeft(where, taskId));
            return problems;
        }
        if (!row.outcome().equals("success")) {
            problems.add(where + "expected " + row.outcome() + ", got an answer from " + result.finalModel());
            return problems;
        }
        ModelRef expectedFinal = row.finalModel().equals("the model") ? model : ModelRef.parse(row.finalModel().replace("`", ""));
        if (!result.finalModel().equals(expectedFinal)) {
            problems.add(where + "final model " + result.finalModel() + ", expected " + expectedFinal);
        }
        if (!describe(result.attempts()).equals(row.attempts())) {
            problems.add(where + "attempts " + describe(result.attempts()) + ", expected " + row.attempts());
        }
        Attempt first = result.attempts().get(0);
        switch (row.because()) {
        case "signal":
            if (first.duration().compareTo(FIRST_TOKEN) >= 0) {
                problems.add(where + "failed after " + first.duration() + ": a signal should end it before the first-token limit");
            }
            break;
        case "first-token":
        case "stall":
            if (first.duration().compareTo(FIRST_TOKEN) < 0 || first.duration().compareTo(ATTEMPT) >= 0) {
                problems.add(where + "failed after " + first.duration() + ": expected the " + row.because()
                        + " limit (5 s), not a signal or the attempt timeout");
            }
            break;
        default:
            break;
        }
        if (model.equals(NOT_LISTED)) {
            if (result.resolution().source() != ResolutionSource.UNAVAILABLE_FALLBACK) {
                problems.add(where + "resolution " + result.resolution().source().wireName() + ", expected unavailable_fallback");
            }
        } else if (!result.skipped().contains(SkippedModel.notInCatalog(NOT_LISTED))) {
            problems.add(where + "the chain model the catalog lacks was not skipped: " + result.skipped());
        }
        System.out.println("fault matrix: " + row.model() + " via " + path + ": " + describe(result.attempts())
                + ", first attempt " + first.duration().toMillis() + " ms, final " + result.finalModel());
        if (row.model().equals("rate-limited")) {
            problems.addAll(coolsDown(where, model));
        }
        problems.addAll(noSessionLeft(where, taskId));
        return problems;
    }

    /** The model that answered 429 with Retry-After: 3 is skipped by the next plan until then, no longer. */
    private List<String> coolsDown(String where, ModelRef model) {
        List<String> problems = new ArrayList<>();
        Instant now = Instant.now();
        Cooldown cooldown = router.cooldowns().stream().filter(c -> c.model().equals(model)).findFirst().orElse(null);
        if (cooldown == null) {
            problems.add(where + "no cooldown after Retry-After: 3: " + router.cooldowns());
            return problems;
        }
        Duration left = Duration.between(now, cooldown.until());
        if (left.compareTo(Duration.ofSeconds(4)) > 0) {
            problems.add(where + "cooling down for " + left + ", longer than the Retry-After of 3 s");
        }
        boolean skipped = router.plan(request("plan", model)).skipped().stream()
                .anyMatch(s -> s.model().equals(model) && s.reason() == SkipReason.COOLING_DOWN);
        if (!skipped && Instant.now().isBefore(cooldown.until())) {
            problems.add(where + "the plan does not skip the model cooling down");
        }
        Eventually.awaitTrue("the cooldown of " + model + " over", Duration.ofSeconds(10),
                () -> router.cooldowns().stream().noneMatch(c -> c.model().equals(model)));
        return problems;
    }

    private List<String> noSessionLeft(String where, String taskId) {
        HttpClient client = HttpClient.newHttpClient();
        URI sessions = URI.create(System.getProperty(OPENCODE_PROPERTY) + "/session");
        try {
            Eventually.awaitTrue("no OpenCode session of " + taskId, Duration.ofSeconds(20), () -> {
                try {
                    return !client.send(HttpRequest.newBuilder(sessions).build(), HttpResponse.BodyHandlers.ofString())
                            .body().contains("otto " + taskId + " attempt");
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            return List.of();
        } catch (AssertionError left) {
            return List.of(where + "an OpenCode session was left behind");
        }
    }

    /**
     * Past the catalog, straight to OpenCode: a model OpenCode does not know fails on its "Model
     * not found" error, not on a limit. (Only the router may see invokers, so this asks through the
     * router bundle's own context.)
     */
    @Test
    public void b_aModelOpenCodeDoesNotKnowFailsOnItsErrorNotOnALimit() throws Exception {
        ModelInvoker openCode = routerContext().getServiceReferences(ModelInvoker.class, "(otto.plugin.name=opencode)")
                .stream().map(reference -> routerContext().getService(reference)).findFirst().orElseThrow();
        long start = System.nanoTime();
        try {
            openCode.invoke(new Invocation("0190a0b0-c0d0-7000-8000-00000000abcd", "matrix-unknown", 1, NOT_LISTED,
                    "say hello", Instant.now().plusSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30)));
            throw new AssertionError("OpenCode answered for a model it does not know");
        } catch (InvocationFailure failure) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals("model_not_found", failure.providerErrorName().orElse(null));
            assertTrue("failed on OpenCode's error (" + took.toMillis() + " ms), not on the 30 s first-token limit",
                    took.compareTo(Duration.ofSeconds(30)) < 0);
            System.out.println("a model OpenCode does not know failed after " + took.toMillis() + " ms");
        }
    }

    /** No bundle but the router can look up, hear of or call a model invoker. */
    @Test
    public void c_noOtherBundleCanObtainAnInvoker() throws Exception {
        Collection<ServiceReference<ModelInvoker>> seen = context.getServiceReferences(ModelInvoker.class, null);
        assertTrue("the test bundle sees invokers: " + seen, seen.isEmpty());
        assertFalse(routerContext().getServiceReferences(ModelInvoker.class, null).isEmpty());
        assertEquals(null, context.getServiceReference(ModelInvoker.class.getName()));
    }

    private BundleContext routerContext() {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().equals("dev.otto.router")) {
                return bundle.getBundleContext();
            }
        }
        throw new AssertionError("no router bundle");
    }

    private void routeDirectModelsStraightToTheStub() throws Exception {
        int port = Integer.parseInt(System.getProperty(STUB_PROPERTY));
        ConfigurationAdmin configAdmin = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        Dictionary<String, Object> openai = new Hashtable<>();
        openai.put("baseUrl", "http://127.0.0.1:" + port + "/v1");
        openai.put("providers", new String[] { "direct" });
        openai.put("apiKeyEnv", "");
        configAdmin.getConfiguration("dev.otto.invoker.openai", "?").update(openai);
        Eventually.awaitTrue("direct/* served by the OpenAI-compatible invoker", Duration.ofSeconds(30), () -> {
            try {
                router.run(request("direct-probe", ModelRef.parse("direct/echo")));
            } catch (RoutingException e) {
                return false;
            }
            return FaultProvider.requests(port).stream().anyMatch(r -> r.model().equals("echo") && !r.fromOpenCode());
        });
    }

    private static RunRequest request(String taskId, ModelRef model) {
        return RunRequest.forTask(TaskType.GENERAL, taskId, "say hello").withUserOverride(model);
    }

    private static List<String> describe(List<Attempt> attempts) {
        return attempts.stream().map(a -> a.succeeded() ? "none" : a.reason().wireName() + "/" + a.errorClass())
                .collect(Collectors.toList());
    }

    /** The fault matrix table of itest/README.md. */
    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of(System.getProperty(README_PROPERTY)), StandardCharsets.UTF_8)) {
            if (line.startsWith("| model | paths |")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                break;
            }
            if (!inTable || line.startsWith("| ---")) {
                continue;
            }
            String[] cells = line.substring(1, line.lastIndexOf('|')).split("\\|");
            rows.add(new Row(unquote(cells[0]), List.of(cells[1].trim().split(",\\s*")), cells[2].trim(),
                    cells[3].trim(), List.of(cells[4].trim().split(",\\s*")).stream().map(FaultMatrixIT::unquote)
                            .collect(Collectors.toList()), cells[5].trim()));
        }
        assertTrue("the README's fault matrix has rows", rows.size() >= 18);
        return rows;
    }

    private static String unquote(String cell) {
        return cell.trim().replace("`", "");
    }
}
