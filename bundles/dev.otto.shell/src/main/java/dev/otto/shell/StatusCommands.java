package dev.otto.shell;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.runtime.OttoPaths;
import dev.otto.support.text.TerminalSafe;

/** {@code otto:status} and {@code otto:await}: is the runtime whole, and if not, what is missing and why. */
@Component(service = StatusCommands.class, immediate = true, property = { // immediate: it watches deploy/
        "osgi.command.scope=otto",
        "osgi.command.function=status",
        "osgi.command.function=await" })
@Descriptor("Otto runtime status and readiness")
public final class StatusCommands {

    private static final long POLL_MILLIS = 100;

    /** How often deploy/ is looked at for files FileInstall ignores (it polls every second itself). */
    private static final long DEPLOY_POLL_SECONDS = 2;

    private final RuntimeInspector inspector;
    private final DeployReport deployReport;
    private final java.util.concurrent.ScheduledExecutorService deployWatch;

    // optional and dynamic: status must answer while the router or the OpenCode bundle is stopped or broken
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OpenCodeConnection openCode;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();

    @Activate
    public StatusCommands(BundleContext context, @Reference ServiceComponentRuntime scr,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(new RuntimeInspector(context, scr,
                OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home"))),
                Clock.systemUTC()), new DeployReport(logger::warn, logger::info));
    }

    StatusCommands(RuntimeInspector inspector, DeployReport deployReport) {
        this.inspector = inspector;
        this.deployReport = deployReport;
        this.deployWatch = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "otto-deploy-watch");
            thread.setDaemon(true);
            return thread;
        });
        deployWatch.scheduleWithFixedDelay(this::reportDeploys, 0, DEPLOY_POLL_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Each file of deploy/ that is not a bundle gets one log line when it is first seen (again after it changes state). */
    private void reportDeploys() {
        try {
            deployReport.report(inspector.deploys());
        } catch (RuntimeException unreadable) {
            // a deploy folder that cannot be read is FileInstall's to report; try again next time
        }
    }

    @Deactivate
    void deactivate() {
        deployWatch.shutdownNow();
    }

    private RuntimeStatus inspect() {
        return inspector.inspect(router, openCode, checks);
    }

    @Descriptor("Show the Otto version, framework, uptime, data and config paths, every Otto bundle and "
            + "component with its state, the reason for anything unsatisfied, the models cooling down (until when, "
            + "after which error class, for how much longer) and the OpenCode connection (URL, managed or not, "
            + "event stream, reconnects, subscriptions, last error)")
    public String status(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        RuntimeStatus status = inspect();
        return json ? Json.write(status.toJson()) : status.toText();
    }

    @Descriptor("Wait until every Otto bundle is active and every Otto component satisfied; fail, naming "
            + "what is unsatisfied and why, when nothing has changed for the settle time or the timeout passes")
    public String await(
            @Descriptor("longest wait in seconds (default 60)")
            @Parameter(names = { "-t", "--timeout" }, absentValue = "60") int timeoutSeconds,
            @Descriptor("give up after this many seconds without any change (default 3)")
            @Parameter(names = { "-s", "--settle" }, absentValue = "3") int settleSeconds,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json)
            throws InterruptedException {
        if (timeoutSeconds < 0 || settleSeconds < 0) {
            throw new IllegalArgumentException("--timeout and --settle take seconds >= 0");
        }
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(timeoutSeconds).toNanos();
        long settle = Duration.ofSeconds(settleSeconds).toNanos();
        List<String> lastProblems = null;
        long lastChange = start;
        while (true) {
            RuntimeStatus status = inspect();
            List<String> problems = status.problems();
            long now = System.nanoTime();
            if (problems.isEmpty()) {
                Duration took = Duration.ofNanos(now - start);
                return json ? Json.write(status.toJson())
                        : "Ready in " + Durations.format(took) + ": " + status.bundles().size()
                                + " Otto bundles active, " + status.components().size() + " components satisfied.";
            }
            if (!problems.equals(lastProblems)) {
                lastProblems = problems;
                lastChange = now;
            }
            if (now - deadline >= 0 || now - lastChange >= settle) {
                throw new IllegalStateException("Otto is not ready: " + TerminalSafe.line(String.join("; ", problems))); // the launcher prints it as it is
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
