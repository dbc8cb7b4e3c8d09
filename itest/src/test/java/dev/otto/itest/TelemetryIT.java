package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
import org.osgi.framework.ServiceRegistration;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.telemetry.store.TelemetryStore;

/**
 * The telemetry sinks in the runtime: canary secrets planted in a provider's error, in the config
 * file and in requests appear in no file, table, log or shell output after real routed runs; and
 * each sink bundle stops and starts under 1,000 routed runs per second without a failed run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TelemetryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CANARY_CONFIG = "sk-canary-config-7f3a9e";
    private static final String CANARY_PROMPT = "canary-prompt-4b1d88";
    private static final String CANARY_PROVIDER = "canary-provider-payload-91c2";
    private static final String CANARY_ANSWER = "canary-answer-e05f";
    private static final String FAILING = "openai/gpt-5.3-codex";

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        // a secret in a config comment: the config file is the only place it may be
        return OttoContainer.options(OpenCodeServer.shared().url(),
                "// provider key for later: " + CANARY_CONFIG + "\n"
                        + "\"routing\": {\"fallbackChain\": [\"openai-codex/gpt-5.3-codex\", \"openai/gpt-5.2\"]}");
    }

    /** Fails {@value #FAILING} with an exception that carries a raw provider payload; answers others echoing the prompt. */
    private static final class CanaryInvoker implements ModelInvoker {
        @Override
        public String name() {
            return "itest-canary";
        }

        @Override
        public boolean supports(ModelRef model) {
            return true;
        }

        @Override
        public InvocationResult invoke(Invocation invocation) {
            if (invocation.model().toString().equals(FAILING)) {
                throw new IllegalStateException("HTTP 500 {\"error\":\"" + CANARY_PROVIDER + "\",\"echo\":\""
                        + invocation.prompt() + "\",\"authorization\":\"Bearer " + CANARY_CONFIG + "\"}");
            }
            return new InvocationResult(CANARY_ANSWER + " " + invocation.prompt(), 12, 7, invocation.model());
        }
    }

    private ServiceRegistration<ModelInvoker> registerInvoker() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PluginProperties.NAME, "itest-canary");
        props.put("service.ranking", 1000);
        return context.registerService(ModelInvoker.class, new CanaryInvoker(), props);
    }

    private ModelRouter router() {
        ServiceReference<ModelRouter> ref = Eventually.await("the router", WAIT,
                () -> context.getServiceReference(ModelRouter.class));
        return context.getService(ref);
    }

    private TelemetryStore store(String name) {
        return Eventually.await("the " + name + " telemetry store", WAIT, () -> {
            try {
                return context.getServiceReferences(TelemetryStore.class, "(" + PluginProperties.NAME + "=" + name + ")")
                        .stream().findFirst().map(context::getService).orElse(null);
            } catch (Exception e) {
                return null;
            }
        });
    }

    @Test
    public void canarySecretsAppearInNoFileTableLogOrShellOutput() throws Exception {
        ServiceRegistration<ModelInvoker> invoker = registerInvoker();
        try {
            Eventually.awaitTrue("the canary invoker bound", WAIT, () -> execute("otto:plugins").contains("itest-canary"));
            ModelRouter router = router();
            int failing = 0;
            for (int i = 0; i < 40; i++) {
                String prompt = "please keep " + CANARY_PROMPT + " secret, key " + CANARY_CONFIG + " line\nbreak " + i;
                RunRequest request = i % 2 == 0
                        ? RunRequest.forTask(TaskType.CODING, "canary-" + i, prompt).withUserOverride(ModelRef.parse(FAILING))
                        : RunRequest.forFlow(Flow.HEARTBEAT, "canary-" + i, prompt);
                if (router.run(request).outcome() != RunOutcome.SUCCESS) {
                    failing++;
                }
            }
            assertEquals("every run fell back to a model that answers", 0, failing);
            TelemetryStore sqlite = store("sqlite");
            TelemetryStore jsonl = store("jsonl");
            Eventually.awaitTrue("both sinks wrote the 40 runs", WAIT, () -> sqlite.recentRuns(100).stream()
                    .filter(r -> r.taskId().startsWith("canary-")).count() == 40
                    && jsonl.recentRuns(100).stream().filter(r -> r.taskId().startsWith("canary-")).count() == 40);
            assertEquals("20 runs fell back", 20, sqlite.recentFallbacks(100).stream()
                    .filter(e -> e.taskId().startsWith("canary-")).count());

            List<String> outputs = new ArrayList<>();
            for (String command : List.of("otto:telemetry --last 100", "otto:telemetry --last 100 --json",
                    "otto:telemetry --fallbacks --json", "otto:report --json", "otto:report", "otto:sinks",
                    "otto:sinks --json", "otto:plugins")) {
                String out = execute(command);
                assertFalse(command + " printed nothing", out.isBlank());
                outputs.add(out);
            }
            assertTrue("otto:telemetry shows the runs", outputs.get(0).contains("canary-1"));
            assertTrue("otto:report counts them", outputs.get(3).contains("\"runs\""));
            for (String out : outputs) {
                assertNoCanary("shell output", out);
            }
            Path data = Path.of(context.getProperty("otto.data"));
            List<Path> files;
            try (Stream<Path> walk = Files.walk(data)) {
                files = walk.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("config.jsonc"))
                        .filter(f -> !f.startsWith(data.resolve("felix-cache")))
                        .collect(Collectors.toList());
            }
            assertTrue("the telemetry files are among them: " + files, files.stream().anyMatch(
                    f -> f.getFileName().toString().endsWith(".jsonl"))
                    && files.stream().anyMatch(f -> f.getFileName().toString().equals("telemetry.db")));
            for (Path file : files) {
                // bytes as Latin-1: finds the ASCII canaries in text files, SQLite pages and WAL frames alike
                assertNoCanary(file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        } finally {
            invoker.unregister();
        }
    }

    @Test
    public void eachSinkBundleStopsAndStartsUnderLoadWithoutAFailedRun() throws Exception {
        Bundle echo = context.installBundle(OttoContainer.testBundle("invoker").toUri().toString());
        echo.start();
        try {
            Eventually.awaitTrue("the echo invoker bound", WAIT, () -> execute("otto:plugins").contains("itest-echo"));
            ServiceReference<ModelRouter> routerRef = context.getServiceReference(ModelRouter.class);
            Object routerId = routerRef.getProperty("service.id");
            ModelRouter router = context.getService(routerRef);
            store("sqlite");
            store("jsonl");
            Map<String, Integer> baseline = telemetryThreads();
            for (String sink : List.of("jsonl", "sqlite")) {
                Bundle bundle = bundle("dev.otto.telemetry." + sink);
                LoadResult load = underLoad(router, Duration.ofSeconds(10), () -> {
                    try {
                        bundle.stop();
                        // an expected sink that is stopped stays listed, as not bound, with what it misses
                        Eventually.awaitTrue("otto:sinks shows " + sink + " not bound", WAIT,
                                () -> execute("otto:sinks").matches("(?s).*\\b" + sink + "\\s+not bound\\b.*"));
                        bundle.start();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                assertTrue(sink + ": no run failed: " + load.failures, load.failures.isEmpty());
                assertTrue(sink + ": about 1,000 runs per second went through (" + load.runs + ")", load.runs >= 5_000);
                ServiceReference<ModelRouter> after = context.getServiceReference(ModelRouter.class);
                assertNotNull(after);
                assertEquals("the router stayed active", routerId, after.getProperty("service.id"));
                TelemetryStore restarted = store(sink);
                router.run(RunRequest.forFlow(Flow.HEARTBEAT, "after-" + sink, "ping"));
                Eventually.awaitTrue(sink + " writes again after its restart", WAIT,
                        () -> restarted.recentRuns(50).stream().anyMatch(r -> r.taskId().equals("after-" + sink)));
                String sinks = execute("otto:sinks");
                assertTrue(sinks, sinks.contains(sink));
            }
            Eventually.awaitTrue("telemetry threads back to their baseline " + baseline, WAIT,
                    () -> telemetryThreads().equals(baseline));
            context.ungetService(routerRef);
        } finally {
            echo.uninstall();
        }
    }

    private record LoadResult(int runs, List<String> failures) {
    }

    /** Routes about 1,000 runs per second for {@code duration} from 4 threads while {@code action} runs. */
    private LoadResult underLoad(ModelRouter router, Duration duration, Runnable action) throws Exception {
        int threads = 4;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * threads / 1000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger runs = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                long next = System.nanoTime();
                for (int i = 0; !stop.get(); i++) {
                    try {
                        RunRequest request = i % 5 == 0
                                ? RunRequest.forTask(TaskType.CODING, "load-" + thread + "-" + i, "ping")
                                        .withUserOverride(ModelRef.parse(FAILING))
                                : RunRequest.forFlow(Flow.HEARTBEAT, "load-" + thread + "-" + i, "ping");
                        RunOutcome outcome = router.run(request).outcome();
                        if (outcome != RunOutcome.SUCCESS) {
                            failures.add(outcome.toString());
                        }
                    } catch (Exception | Error e) {
                        failures.add(e.toString());
                    }
                    runs.incrementAndGet();
                    next += intervalNanos; // pacing to the target rate, not a wait for a condition
                    long ahead = next - System.nanoTime();
                    if (ahead > 0) {
                        LockSupport.parkNanos(ahead);
                    }
                }
            }));
        }
        long end = System.nanoTime() + duration.toNanos();
        Eventually.awaitTrue("load started", WAIT, () -> runs.get() > 100);
        action.run();
        Eventually.awaitTrue("the load ran its " + duration.toSeconds() + " s", duration.plus(WAIT),
                () -> System.nanoTime() >= end);
        stop.set(true);
        pool.shutdown();
        assertTrue("every run finished within the bound", pool.awaitTermination(120, TimeUnit.SECONDS));
        for (Future<?> worker : workers) {
            worker.get();
        }
        return new LoadResult(runs.get(), new ArrayList<>(failures));
    }

    private static Map<String, Integer> telemetryThreads() {
        Map<String, Integer> count = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("otto-telemetry")) {
                count.merge(t.getName(), 1, Integer::sum);
            }
        }
        return count;
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static void assertNoCanary(String where, String text) {
        for (String canary : List.of(CANARY_CONFIG, CANARY_PROMPT, CANARY_PROVIDER, CANARY_ANSWER)) {
            assertFalse(canary + " found in " + where, text.contains(canary));
        }
    }

    private String execute(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            return String.valueOf(session.execute(command)) + out.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e, e);
        }
    }
}
