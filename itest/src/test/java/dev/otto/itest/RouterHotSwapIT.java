package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

/**
 * The classifier and policy bundles stopped, started and updated while 1,000 runs go through the
 * router: no run fails or hangs, the router is never deactivated, and otto:plugins follows.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RouterHotSwapIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor commands;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        // an explicit chain: while the policy bundle is away the router falls back along config alone
        return OttoContainer.options(OpenCodeServer.shared().url(),
                "\"routing\": {\"fallbackChain\": [\"openai-codex/gpt-5.3-codex\", \"openai/gpt-5.2\"]}");
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    @Test
    public void pluginBundlesComeAndGoUnderLoadWithoutAFailedOrHungRun() throws Exception {
        Bundle invoker = context.installBundle(OttoContainer.testBundle("invoker").toUri().toString());
        invoker.start();
        ServiceReference<ModelRouter> routerReference = Eventually.await("the router", WAIT,
                () -> context.getServiceReference(ModelRouter.class));
        Object routerId = routerReference.getProperty("service.id");
        ModelRouter router = context.getService(routerReference);
        Eventually.awaitTrue("the echo invoker bound", WAIT, () -> execute("otto:plugins").contains("itest-echo"));

        Bundle classifier = bundle("dev.otto.classifier");
        Bundle policy = bundle("dev.otto.router.policy");
        String withAll = execute("otto:plugins");
        assertTrue(withAll, withAll.contains("dev.otto.classifier") && withAll.contains("dev.otto.router.policy"));

        int threads = 4;
        int runsPerThread = 250;
        AtomicInteger done = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                for (int i = 0; i < runsPerThread; i++) {
                    try {
                        // starts on the model the echo invoker fails: every run falls back once
                        RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "swap-" + thread + "-" + i, "ping")
                                .withUserOverride(ModelRef.parse("openai/gpt-5.3-codex")));
                        if (result.outcome() != RunOutcome.SUCCESS) {
                            failures.add(result.outcome().toString());
                        }
                    } catch (Exception | Error e) {
                        failures.add(e.toString());
                    }
                    done.incrementAndGet();
                }
            }));
        }
        boolean sawWithoutPolicy = false;
        int swaps = 0;
        while (done.get() < threads * runsPerThread && swaps < 200) {
            swaps++;
            switch (swaps % 4) {
            case 1:
                classifier.stop();
                break;
            case 2:
                policy.stop();
                sawWithoutPolicy |= !execute("otto:plugins").contains("dev.otto.router.policy");
                break;
            case 3:
                classifier.start();
                break;
            default:
                policy.update();
                policy.start();
                break;
            }
        }
        classifier.start();
        policy.start();
        pool.shutdown();
        assertTrue("every run finished within the bound (none hung)", pool.awaitTermination(120, TimeUnit.SECONDS));
        for (Future<?> worker : workers) {
            worker.get();
        }
        assertEquals(threads * runsPerThread, done.get());
        assertTrue("no run failed: " + failures, failures.isEmpty());
        assertTrue("the bundles were swapped while runs went through", swaps >= 4);
        assertTrue("otto:plugins showed the policy gone while it was stopped", sawWithoutPolicy);

        ServiceReference<ModelRouter> after = context.getServiceReference(ModelRouter.class);
        assertNotNull(after);
        assertEquals("the router was never deactivated", routerId, after.getProperty("service.id"));
        Eventually.awaitTrue("otto:plugins lists the restarted plugins", WAIT, () -> {
            String plugins = execute("otto:plugins");
            return plugins.contains("dev.otto.classifier") && plugins.contains("dev.otto.router.policy");
        });
        context.ungetService(routerReference);
        invoker.uninstall();
        assertFalse(execute("otto:plugins").contains("itest-echo"));
    }

    private String execute(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            return String.valueOf(session.execute(command));
        } catch (Exception e) {
            throw new AssertionError(command + " failed: " + e, e);
        }
    }
}
