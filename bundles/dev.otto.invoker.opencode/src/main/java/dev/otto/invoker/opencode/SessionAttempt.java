/*
 * One attempt in one OpenCode session, decided from the session's events. About 420 lines: the
 * event rules (which event ends the attempt, what counts as output) are one state machine and read
 * best in one place; the error shapes are in OpenCodeErrors.
 */
package dev.otto.invoker.opencode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.model.ModelRef;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeEvent;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.SessionEvents;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;
import dev.otto.support.provider.ProviderErrors;

/**
 * Runs one attempt in a new OpenCode session and waits on the session's events, never on a fixed
 * poll, for the first of:
 *
 * <ul>
 * <li>the assistant's message completed with {@code finish: stop}: the answer (text, tokens, model);</li>
 * <li>a {@code retry} status: OpenCode would retry the provider for a minute; the attempt fails at
 *     once, read from the retry's message (and its {@code next}, which is the provider's
 *     {@code Retry-After} when it sent one);</li>
 * <li>a {@code session.error} or an assistant message with an error: read from its structured
 *     fields ({@link OpenCodeErrors});</li>
 * <li>a completed message whose finish is {@code unknown}: OpenCode would start the next step at
 *     once, many times a second (empty or unusable answers); it fails as a malformed answer, or as a
 *     cut stream when some output had arrived; {@code length} fails as output length, as the
 *     OpenAI-compatible invoker does;</li>
 * <li>no output from the provider within the first-token timeout, a pause of the stall timeout
 *     after output began, or the attempt's deadline.</li>
 * </ul>
 *
 * Output is any step, text, reasoning or tool part or text delta of the assistant's message. While
 * the event stream is down (the connection says so, or reports a gap) the session's status and
 * messages are read over HTTP instead.
 */
final class SessionAttempt {

    /** The largest messages answer read back. */
    private static final long MAX_MESSAGES_BYTES = 32L * 1024 * 1024;
    /**
     * How long to wait after an error event for the session to go idle by itself (OpenCode sends
     * idle within a millisecond of a final error), so that no abort request is needed.
     */
    private static final long IDLE_AFTER_ERROR_NANOS = Duration.ofMillis(50).toNanos();
    /** How long an idle session without an assistant message counts as "not started yet" when polling. */
    private static final long START_GRACE_NANOS = Duration.ofSeconds(2).toNanos();

    /**
     * How the attempt ended.
     *
     * @param result the answer, or null
     * @param failure the failure, or null
     * @param sessionId the session, or null if none was created
     * @param settled whether the session is known to have stopped (no abort needed)
     */
    record Outcome(InvocationResult result, InvocationFailure failure, String sessionId, boolean settled) {
    }

    private final OpenCodeConnection connection;
    private final ObjectMapper json;
    private final OpenCodeErrors errors;
    private final Invocation invocation;
    private final String agent;
    private final Duration poll;

    private String sessionId;
    private long startNanos;
    private long lastOutputNanos;
    private boolean output;
    /** Whether text, reasoning or a tool call arrived: a stream that then ends without a finish was cut. */
    private boolean content;
    private final Set<String> assistantMessages = new HashSet<>();
    /** Text of each text part, by message id then part id, in the order the parts appeared. */
    private final Map<String, Map<String, String>> texts = new LinkedHashMap<>();
    /** Whether the outcome came from an error OpenCode reported as final (it then stops by itself). */
    private boolean finalError;

    SessionAttempt(OpenCodeConnection connection, ObjectMapper json, Invocation invocation, String agent, Duration poll) {
        this.connection = connection;
        this.json = json;
        this.errors = new OpenCodeErrors(json);
        this.invocation = invocation;
        this.agent = agent;
        this.poll = poll;
    }

    /** Runs the attempt. Never throws: every way it can end is an {@link Outcome}. */
    Outcome run() {
        long deadlineNanos = System.nanoTime() + nanosUntil(invocation.deadline());
        try {
            Map<String, Object> session = Map.of("title", "otto " + invocation.taskId() + " attempt " + invocation.attempt());
            sessionId = text(parse(post("/session", session, deadlineNanos)).path("id"));
            if (sessionId == null || sessionId.isBlank()) {
                return failed(new InvocationFailure(Kind.UNKNOWN, null, null, ProviderErrors.MALFORMED, false), true);
            }
            try (SessionEvents events = connection.subscribe(sessionId)) {
                post("/session/" + sessionId + "/prompt_async", prompt(), deadlineNanos);
                startNanos = System.nanoTime();
                return await(events, deadlineNanos);
            }
        } catch (InvocationFailure failure) {
            return failed(failure, sessionId == null);
        } catch (InterruptedException e) {
            // the router's watchdog: the attempt overran its deadline
            Thread.currentThread().interrupt();
            return failed(InvocationFailure.timeout(), sessionId == null);
        }
    }

    private Map<String, Object> prompt() {
        Map<String, Object> prompt = new LinkedHashMap<>();
        prompt.put("model", Map.of("providerID", invocation.model().providerId(), "modelID", invocation.model().modelId()));
        if (agent != null && !agent.isBlank()) {
            prompt.put("agent", agent);
        }
        prompt.put("parts", List.of(Map.of("type", "text", "text", invocation.prompt())));
        return prompt;
    }

    private Outcome await(SessionEvents events, long deadlineNanos) throws InvocationFailure, InterruptedException {
        while (true) {
            long now = System.nanoTime();
            long limit = output ? lastOutputNanos + nanos(invocation.stallTimeout())
                    : startNanos + nanos(invocation.firstTokenTimeout());
            long until = Math.min(limit - now, deadlineNanos - now);
            if (until <= 0) {
                Kind kind = deadlineNanos - now <= 0 ? Kind.TIMEOUT
                        : output ? Kind.STALL_TIMEOUT : Kind.FIRST_TOKEN_TIMEOUT;
                return failed(InvocationFailure.of(kind, true), false);
            }
            boolean live = events.live();
            OpenCodeEvent event = events.next(Duration.ofNanos(live ? until : Math.min(until, nanos(poll))));
            Outcome outcome = event == null ? (live ? null : readState(deadlineNanos))
                    : event.type().equals(SessionEvents.GAP) ? readState(deadlineNanos)
                    : handle(event, deadlineNanos);
            if (outcome != null) {
                return finalError && !outcome.settled() ? settledAfterError(events, outcome) : outcome;
            }
        }
    }

    private Outcome handle(OpenCodeEvent event, long deadlineNanos) throws InvocationFailure, InterruptedException {
        JsonNode properties = parseEvent(event).path("properties");
        switch (event.type()) {
        case "session.status": {
            JsonNode status = properties.path("status");
            String type = status.path("type").asText("");
            if (type.equals("retry")) {
                return retrying(status);
            }
            return type.equals("idle") ? settleIdle(deadlineNanos) : null;
        }
        case "session.idle":
            return settleIdle(deadlineNanos);
        case "session.error":
            finalError = true;
            return failed(properties.path("error").isObject() ? errors.failure(properties.path("error"))
                    : InvocationFailure.of(Kind.UNKNOWN, false), false);
        case "message.updated":
            return message(properties.path("info"), event.receivedNanos());
        case "message.part.updated":
            part(properties.path("part"), event.receivedNanos());
            return null;
        case "message.part.delta":
            if (assistantMessages.contains(properties.path("messageID").asText(""))) {
                output(event.receivedNanos());
                content = true;
            }
            return null;
        default:
            return null;
        }
    }

    /**
     * After a final error OpenCode goes idle by itself: waits briefly for that, so that the session
     * needs no abort. A context overflow makes OpenCode try a compaction first, so it may not.
     */
    private Outcome settledAfterError(SessionEvents events, Outcome outcome) throws InterruptedException {
        long until = System.nanoTime() + IDLE_AFTER_ERROR_NANOS;
        for (long left = IDLE_AFTER_ERROR_NANOS; left > 0; left = until - System.nanoTime()) {
            OpenCodeEvent event = events.next(Duration.ofNanos(left));
            if (event == null) {
                break;
            }
            if (event.type().equals("session.idle") || event.type().equals("session.status") && idle(event)) {
                return new Outcome(null, outcome.failure(), sessionId, true);
            }
        }
        return outcome;
    }

    private boolean idle(OpenCodeEvent status) {
        try {
            return "idle".equals(parseEvent(status).path("properties").path("status").path("type").asText());
        } catch (InvocationFailure unreadable) {
            return false;
        }
    }

    private Outcome retrying(JsonNode status) {
        Duration retryAfter = status.path("next").canConvertToLong()
                ? OpenCodeErrors.retryAfterFromNext(status.path("next").asLong(), System.currentTimeMillis(),
                        status.path("attempt").asInt(1)) : null;
        return failed(ProviderErrors.retrying(status.path("message").asText(null), retryAfter), false);
    }

    /** An assistant message's update: its error, or its end. */
    private Outcome message(JsonNode info, long receivedNanos) {
        if (!"assistant".equals(info.path("role").asText())) {
            return null;
        }
        String id = info.path("id").asText("");
        assistantMessages.add(id);
        if (info.path("error").isObject()) {
            finalError = true;
            return failed(errors.failure(info.path("error")), false);
        }
        if (!info.path("time").hasNonNull("completed")) {
            return null;
        }
        switch (info.path("finish").asText("")) {
        case "stop":
            return answered(info, texts.getOrDefault(id, Map.of()));
        case "tool-calls":
            output(receivedNanos); // OpenCode runs the tools and goes on in a new message
            return null;
        case "length":
            return failed(InvocationFailure.of(Kind.OUTPUT_LENGTH, false), false);
        default:
            // "unknown": an empty or unusable answer, or a stream that ended without a finish reason;
            // OpenCode would send the next request at once, in a loop, so the attempt ends here
            return failed(content ? InvocationFailure.of(Kind.CONNECTION, true)
                    : new InvocationFailure(Kind.HTTP_STATUS, 200, null, ProviderErrors.MALFORMED, false), false);
        }
    }

    private void part(JsonNode part, long receivedNanos) {
        String messageId = part.path("messageID").asText("");
        if (!assistantMessages.contains(messageId)) {
            return; // the user's own message, or one of another run
        }
        String type = part.path("type").asText("");
        if (type.equals("text")) {
            String text = part.path("text").asText("");
            if (!part.path("synthetic").asBoolean(false)) {
                texts.computeIfAbsent(messageId, m -> new LinkedHashMap<>()).put(part.path("id").asText(""), text);
            }
            if (!text.isEmpty()) {
                output(receivedNanos);
                content = true;
            }
        } else if (type.equals("reasoning") || type.equals("tool")) {
            output(receivedNanos);
            content = true;
        } else if (type.equals("step-start")) {
            output(receivedNanos); // the provider's stream began
        }
    }

    private void output(long receivedNanos) {
        output = true;
        lastOutputNanos = Math.max(lastOutputNanos, receivedNanos);
    }

    /** The session stopped without an event that decided the attempt: its messages say how it ended. */
    private Outcome settleIdle(long deadlineNanos) throws InvocationFailure, InterruptedException {
        Outcome outcome = fromMessages(deadlineNanos);
        return outcome != null ? outcome
                : failed(new InvocationFailure(Kind.UNKNOWN, null, null, "NoAnswer", false), true);
    }

    /** While the stream is down or after a gap: the session's status, then its messages. */
    private Outcome readState(long deadlineNanos) throws InvocationFailure, InterruptedException {
        JsonNode status = parse(get("/session/status", deadlineNanos, 1024 * 1024)).path(sessionId);
        String type = status.path("type").asText("idle");
        if (type.equals("retry")) {
            return retrying(status);
        }
        if (type.equals("busy")) {
            return null;
        }
        Outcome outcome = fromMessages(deadlineNanos);
        if (outcome == null && System.nanoTime() - startNanos > START_GRACE_NANOS) {
            return failed(new InvocationFailure(Kind.UNKNOWN, null, null, "NoAnswer", false), true);
        }
        return outcome;
    }

    /** The last assistant message's end, read over HTTP; null when there is none or it is not over. */
    private Outcome fromMessages(long deadlineNanos) throws InvocationFailure, InterruptedException {
        JsonNode last = null;
        for (JsonNode message : parse(get("/session/" + sessionId + "/message", deadlineNanos, MAX_MESSAGES_BYTES))) {
            if ("assistant".equals(message.path("info").path("role").asText())) {
                last = message;
            }
        }
        if (last == null) {
            return null;
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (JsonNode part : last.path("parts")) {
            if ("text".equals(part.path("type").asText()) && !part.path("synthetic").asBoolean(false)) {
                parts.put(part.path("id").asText(String.valueOf(parts.size())), part.path("text").asText(""));
            }
        }
        String id = last.path("info").path("id").asText("");
        texts.put(id, parts);
        for (JsonNode part : last.path("parts")) {
            String type = part.path("type").asText();
            if (type.equals("reasoning") || type.equals("tool") || type.equals("text") && !part.path("text").asText("").isEmpty()) {
                content = true;
            }
        }
        Outcome outcome = message(last.path("info"), System.nanoTime());
        return outcome != null && outcome.failure() != null ? new Outcome(null, outcome.failure(), sessionId, true)
                : outcome;
    }

    private Outcome answered(JsonNode info, Map<String, String> parts) {
        String text = String.join("", parts.values());
        String provider = info.path("providerID").asText("");
        String model = info.path("modelID").asText("");
        ModelRef answeredBy = ModelRef.isValid(provider + "/" + model) ? ModelRef.parse(provider + "/" + model)
                : invocation.model();
        JsonNode tokens = info.path("tokens");
        return new Outcome(new InvocationResult(text, Math.max(0, tokens.path("input").asLong(0)),
                Math.max(0, tokens.path("output").asLong(0)), answeredBy), null, sessionId, true);
    }

    private Outcome failed(InvocationFailure failure, boolean settled) {
        return new Outcome(null, failure, sessionId, settled);
    }

    private byte[] post(String path, Object body, long deadlineNanos) throws InvocationFailure, InterruptedException {
        try {
            return connection.post(path, json.writeValueAsBytes(body), instantOf(deadlineNanos)).body();
        } catch (IOException e) {
            throw new InvocationFailure(Kind.INVALID_REQUEST, null, null, null, false);
        } catch (OpenCodeException e) {
            throw failureOf(e);
        }
    }

    private byte[] get(String path, long deadlineNanos, long maxBytes) throws InvocationFailure, InterruptedException {
        try {
            return connection.get(path, instantOf(deadlineNanos), maxBytes).body();
        } catch (OpenCodeException e) {
            throw failureOf(e);
        }
    }

    /** OpenCode itself failed, not a provider: its own status, or that it cannot be reached. */
    static InvocationFailure failureOf(OpenCodeException e) {
        switch (e.failureCause()) {
        case TIMED_OUT:
            return InvocationFailure.timeout();
        case UNAUTHORIZED:
            return new InvocationFailure(Kind.AUTH, e.httpStatus(), null, "OpenCodeUnauthorized", false);
        case HTTP_ERROR:
            return new InvocationFailure(Kind.HTTP_STATUS, e.httpStatus(), null, "OpenCodeServer", e.httpStatus() >= 500);
        case TOO_LARGE:
            return new InvocationFailure(Kind.UNKNOWN, null, null, ProviderErrors.MALFORMED, false);
        default:
            return InvocationFailure.of(Kind.CONNECTION, true);
        }
    }

    private JsonNode parse(byte[] body) throws InvocationFailure {
        try {
            return body.length == 0 ? json.nullNode() : json.readTree(body);
        } catch (IOException e) {
            throw new InvocationFailure(Kind.UNKNOWN, null, null, ProviderErrors.MALFORMED, false);
        }
    }

    private JsonNode parseEvent(OpenCodeEvent event) throws InvocationFailure {
        return parse(event.json().getBytes(StandardCharsets.UTF_8));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static long nanos(Duration duration) {
        return duration.getSeconds() > 100L * 365 * 24 * 3600 ? Long.MAX_VALUE / 4 : duration.toNanos();
    }

    private static long nanosUntil(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? 0 : nanos(left);
    }

    private static Instant instantOf(long deadlineNanos) {
        return Instant.now().plusNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
