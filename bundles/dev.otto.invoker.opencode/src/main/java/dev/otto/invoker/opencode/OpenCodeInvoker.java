package dev.otto.invoker.opencode;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.model.ModelRef;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginName;

/**
 * Runs a prompt in an OpenCode session with the attempt's model, under the attempt's deadlines,
 * deciding from the session's events ({@link SessionAttempt}) through the one connection to
 * OpenCode ({@link OpenCodeConnection}).
 *
 * <p>A session is aborted (if it may still run) and deleted after every attempt, off the
 * attempt's thread: the router starts the next model while OpenCode cleans up, so a failover does
 * not wait for two more requests. Deactivation waits for the cleanups still pending.
 */
@Component(configurationPid = OpenCodeInvoker.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = "service.ranking:Integer=-100")
@Designate(ocd = OpenCodeInvoker.Config.class)
@PluginName("opencode")
public final class OpenCodeInvoker implements ModelInvoker {

    /** The configuration PID. */
    public static final String PID = "dev.otto.invoker.opencode";

    /** How long one cleanup request (abort, delete) may take. */
    static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(5);

    /** How the invoker drives OpenCode. */
    @ObjectClassDefinition(name = "Otto OpenCode invoker", description = "Runs prompts in OpenCode sessions")
    public @interface Config {
        @AttributeDefinition(description = "How often a session's status is read while OpenCode's event stream is "
                + "down, in milliseconds", min = "50")
        long pollMillis() default 200;

        @AttributeDefinition(description = "Keep the OpenCode sessions Otto creates (false: delete each when its attempt ends)")
        boolean keepSessions() default false;

        @AttributeDefinition(description = "OpenCode agent to run prompts with; empty for OpenCode's default")
        String agent() default "";
    }

    private final OpenCodeConnection connection;
    private final Logger logger;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService cleanups;
    private volatile Config config;

    @Activate
    public OpenCodeInvoker(@Reference OpenCodeConnection connection,
            @Reference(service = LoggerFactory.class) Logger logger, Config config) {
        this.connection = connection;
        this.logger = logger;
        this.config = config;
        this.cleanups = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "otto-opencode-cleanup");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Modified
    void modified(Config changed) {
        this.config = changed;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        cleanups.shutdown();
        if (!cleanups.awaitTermination(2 * CLEANUP_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS)) {
            logger.warn("OpenCode sessions were still being cleaned up when the invoker stopped; "
                    + "some may stay in OpenCode's history");
        }
    }

    @Override
    public String name() {
        return "opencode";
    }

    /** OpenCode serves every provider it is configured with; more specific invokers rank higher. */
    @Override
    public boolean supports(ModelRef model) {
        return true;
    }

    @Override
    public InvocationResult invoke(Invocation invocation) throws InvocationFailure {
        Config current = config;
        SessionAttempt.Outcome outcome = new SessionAttempt(connection, json, invocation, current.agent(),
                Duration.ofMillis(Math.max(50, current.pollMillis()))).run();
        if (outcome.sessionId() != null) {
            cleanUp(outcome, current.keepSessions(), invocation);
        }
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.result();
    }

    /** Aborts a session that may still run (a deleted session keeps running in OpenCode), then deletes it. */
    private void cleanUp(SessionAttempt.Outcome outcome, boolean keep, Invocation invocation) {
        String sessionId = outcome.sessionId();
        boolean abort = !outcome.settled();
        if (!abort && keep) {
            return;
        }
        try {
            cleanups.execute(() -> {
                if (abort) {
                    request("abort", sessionId, invocation, () -> connection.post("/session/" + sessionId + "/abort",
                            new byte[] { '{', '}' }, Instant.now().plus(CLEANUP_TIMEOUT)));
                }
                if (!keep) {
                    request("delete", sessionId, invocation,
                            () -> connection.delete("/session/" + sessionId, Instant.now().plus(CLEANUP_TIMEOUT)));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            logger.warn("could not clean up OpenCode session {} (the invoker is stopping); OpenCode may keep it", sessionId);
        }
    }

    private interface Call {
        Object run() throws OpenCodeException, InterruptedException;
    }

    private void request(String what, String sessionId, Invocation invocation, Call call) {
        try {
            call.run();
        } catch (OpenCodeException e) {
            logger.warn("could not {} OpenCode session {} of run {} (attempt {}): {}", what, sessionId,
                    invocation.runId(), invocation.attempt(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
