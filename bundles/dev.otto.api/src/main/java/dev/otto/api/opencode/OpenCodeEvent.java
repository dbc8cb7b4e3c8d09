package dev.otto.api.opencode;

import java.util.Objects;

/**
 * One event of OpenCode's event stream ({@code GET /event}), for one session.
 *
 * @param type the event type, e.g. {@code session.status}, {@code message.updated}, or one of the
 *     connection's own: {@link SessionEvents#GAP}
 * @param sessionId the session it belongs to
 * @param json the whole event as OpenCode sent it ({@code {"type":...,"properties":{...}}}); may
 *     hold user text and provider messages: never log it
 * @param receivedNanos when it was received, on {@link System#nanoTime()}
 */
public record OpenCodeEvent(String type, String sessionId, String json, long receivedNanos) {

    /** Validates the fields. */
    public OpenCodeEvent {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(sessionId, "sessionId must not be null");
        Objects.requireNonNull(json, "json must not be null");
    }

    /** Redacts the JSON. */
    @Override
    public String toString() {
        return "OpenCodeEvent[type=" + type + ", sessionId=" + sessionId + ", json=<" + json.length() + " chars>]";
    }
}
