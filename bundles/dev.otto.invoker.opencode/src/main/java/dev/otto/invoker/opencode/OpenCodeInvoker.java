package dev.otto.invoker.opencode;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginName;

/**
 * Runs a prompt in an OpenCode session with the attempt's model, under the attempt's deadline.
 *
 * <p>OpenCode retries a provider's 5xx and 429 without end. So the invoker does not wait for the
 * answer blindly: it sends the prompt asynchronously and watches {@code GET /session/status}. The
 * first {@code retry} status aborts the session and fails the attempt at once, classified from the
 * provider's message (rate limit, quota, overload → capacity; anything else → provider_5xx), so
 * the router fails over in seconds. The deadline aborts the session too.
 *
 * <p>The OpenCode server is the one the catalog reads ({@code ModelCatalog.snapshot().source()}),
 * so a managed OpenCode ({@code bin/otto --with-opencode}) serves runs as well.
 */
@Component(configurationPid = OpenCodeInvoker.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = "service.ranking:Integer=-100")
@Designate(ocd = OpenCodeInvoker.Config.class)
@PluginName("opencode")
public final class OpenCodeInvoker implements ModelInvoker {

    /** The configuration PID. */
    public static final String PID = "dev.otto.invoker.opencode";

    /** How the invoker drives OpenCode. */
    @ObjectClassDefinition(name = "Otto OpenCode invoker", description = "Runs prompts in OpenCode sessions")
    public @interface Config {
        @AttributeDefinition(description = "How often the session's status is read while waiting, in milliseconds", min = "50")
        long pollMillis() default 200;

        @AttributeDefinition(description = "Keep the OpenCode sessions Otto creates (false: delete each when its attempt ends)")
        boolean keepSessions() default false;

        @AttributeDefinition(description = "OpenCode agent to run prompts with; empty for OpenCode's default")
        String agent() default "";
    }

    private final ModelCatalog catalog;
    private final Logger logger;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Config config;

    @Activate
    public OpenCodeInvoker(@Reference ModelCatalog catalog, @Reference(service = LoggerFactory.class) Logger logger,
            Config config) {
        this.catalog = catalog;
        this.logger = logger;
        this.config = config;
    }

    @Modified
    void modified(Config changed) {
        this.config = changed;
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
        OpenCodeSessions sessions = new OpenCodeSessions(catalog.snapshot().source(),
                System.getenv("OPENCODE_SERVER_USERNAME"), System.getenv("OPENCODE_SERVER_PASSWORD"), json);
        Instant deadline = invocation.deadline();
        String sessionId = null;
        try {
            sessionId = sessions.post("/session", Map.of("title", "otto " + invocation.taskId() + " attempt "
                    + invocation.attempt()), deadline).path("id").asText(null);
            if (sessionId == null || sessionId.isEmpty()) {
                throw new InvocationFailure(InvocationFailure.Kind.UNKNOWN, null, null, "MalformedResponse", false);
            }
            Map<String, Object> prompt = new LinkedHashMap<>();
            prompt.put("model", Map.of("providerID", invocation.model().providerId(), "modelID", invocation.model().modelId()));
            if (!current.agent().isBlank()) {
                prompt.put("agent", current.agent());
            }
            prompt.put("parts", List.of(Map.of("type", "text", "text", invocation.prompt())));
            sessions.post("/session/" + sessionId + "/prompt_async", prompt, deadline);
            return await(sessions, sessionId, invocation, Duration.ofMillis(Math.max(50, current.pollMillis())));
        } catch (InterruptedException e) {
            // the router's watchdog: the attempt overran its deadline
            Thread.currentThread().interrupt();
            throw InvocationFailure.timeout();
        } finally {
            if (sessionId != null) {
                close(sessions, sessionId, current.keepSessions());
            }
        }
    }

    /** Waits for the assistant's answer, failing at the first retry signal or at the deadline. */
    private InvocationResult await(OpenCodeSessions sessions, String sessionId, Invocation invocation, Duration poll)
            throws InvocationFailure, InterruptedException {
        Instant deadline = invocation.deadline();
        while (Instant.now().isBefore(deadline)) {
            JsonNode status = sessions.get("/session/status", deadline).path(sessionId);
            String type = status.path("type").asText("idle");
            if (type.equals("retry")) {
                Integer implied = RetrySignals.impliedStatus(status.path("message").asText(null));
                logger.info("OpenCode is retrying a provider error for session {} (model {}, attempt {}): aborting so "
                        + "the router can fail over", sessionId, invocation.model(), invocation.attempt());
                abort(sessions, sessionId);
                throw new InvocationFailure(InvocationFailure.Kind.PROVIDER_RETRYING, implied, null, "OpenCodeRetry", true);
            }
            if (!type.equals("busy")) {
                InvocationResult done = finished(sessions.get("/session/" + sessionId + "/message", deadline), invocation);
                if (done != null) {
                    return done;
                }
            }
            Thread.sleep(Math.min(poll.toMillis(), Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
        }
        abort(sessions, sessionId);
        throw InvocationFailure.timeout();
    }

    /** The answer when the last assistant message is complete; its failure when it has an error; else null. */
    private static InvocationResult finished(JsonNode messages, Invocation invocation) throws InvocationFailure {
        JsonNode last = null;
        for (JsonNode message : messages) {
            if ("assistant".equals(message.path("info").path("role").asText())) {
                last = message;
            }
        }
        if (last == null) {
            return null;
        }
        JsonNode info = last.path("info");
        if (info.hasNonNull("error")) {
            throw OpenCodeErrors.failure(info.get("error"));
        }
        if (!info.path("time").hasNonNull("completed")) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : last.path("parts")) {
            if ("text".equals(part.path("type").asText()) && !part.path("synthetic").asBoolean(false)) {
                text.append(part.path("text").asText(""));
            }
        }
        ModelRef answeredBy = ModelRef.isValid(info.path("providerID").asText("") + "/" + info.path("modelID").asText(""))
                ? ModelRef.parse(info.path("providerID").asText() + "/" + info.path("modelID").asText())
                : invocation.model();
        JsonNode tokens = info.path("tokens");
        return new InvocationResult(text.toString(), Math.max(0, tokens.path("input").asLong(0)),
                Math.max(0, tokens.path("output").asLong(0)), answeredBy);
    }

    private void abort(OpenCodeSessions sessions, String sessionId) {
        try {
            sessions.post("/session/" + sessionId + "/abort", Map.of(), Instant.now().plusSeconds(5));
        } catch (InvocationFailure | InterruptedException e) {
            logger.warn("could not abort OpenCode session {}: {}; OpenCode may keep retrying it", sessionId,
                    e.getClass().getSimpleName());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void close(OpenCodeSessions sessions, String sessionId, boolean keep) {
        if (keep) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // cleanup must not be cut short by the watchdog's interrupt
        try {
            sessions.delete("/session/" + sessionId, Instant.now().plusSeconds(5));
        } catch (InvocationFailure | InterruptedException e) {
            logger.debug("could not delete OpenCode session {}", sessionId);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
