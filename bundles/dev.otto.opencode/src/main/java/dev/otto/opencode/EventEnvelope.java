package dev.otto.opencode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.otto.api.opencode.SessionEvents;

/**
 * The two things the stream needs from an event before it knows whether anyone wants it: its
 * {@code type} and the session it belongs to. Read with Jackson's streaming parser, stopping as
 * soon as both are known, so that an event of a session nobody listens to costs a few tokens and
 * no strings beyond those two.
 *
 * <p>The session id is {@code properties.sessionID} (every session event of OpenCode 1.18.33 has
 * it), else {@code properties.info.sessionID} ({@code message.updated}), else
 * {@code properties.part.sessionID} ({@code message.part.updated}); see the README for the table.
 *
 * @param type the event type
 * @param sessionId the session, or null for an event of no session ({@code server.heartbeat}, ...)
 */
record EventEnvelope(String type, String sessionId) {

    /** OpenCode's keep-alive, sent every 10 s on {@code /event}. */
    static final String HEARTBEAT = "server.heartbeat";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Reads the envelope of one event.
     *
     * @return the envelope, or null if the data is not an event object with a type
     */
    static EventEnvelope read(byte[] data, int length) {
        try (JsonParser in = JSON.createParser(data, 0, length)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String direct = null;
            String nested = null;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                JsonToken value = in.nextToken();
                if (name.equals("type") && value == JsonToken.VALUE_STRING) {
                    type = in.getText();
                    if (direct != null) {
                        return new EventEnvelope(type, direct);
                    }
                } else if (name.equals("properties") && value == JsonToken.START_OBJECT) {
                    while (in.nextToken() == JsonToken.FIELD_NAME) {
                        String field = in.currentName();
                        JsonToken fieldValue = in.nextToken();
                        if (field.equals("sessionID") && fieldValue == JsonToken.VALUE_STRING) {
                            direct = in.getText();
                            if (type != null) {
                                return new EventEnvelope(type, direct);
                            }
                        } else if ((field.equals("info") || field.equals("part")) && fieldValue == JsonToken.START_OBJECT
                                && nested == null) {
                            nested = sessionIdOf(in);
                        } else {
                            in.skipChildren();
                        }
                    }
                } else {
                    in.skipChildren();
                }
            }
            return type == null ? null : new EventEnvelope(type, direct != null ? direct : nested);
        } catch (IOException e) {
            return null; // not JSON, or cut short
        }
    }

    /** Reads an object to its end; returns its {@code sessionID} string field, if any. */
    private static String sessionIdOf(JsonParser in) throws IOException {
        String found = null;
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String field = in.currentName();
            JsonToken value = in.nextToken();
            if (field.equals("sessionID") && value == JsonToken.VALUE_STRING) {
                found = in.getText();
            } else {
                in.skipChildren();
            }
        }
        return found;
    }

    /** The JSON of a {@link SessionEvents#GAP} event: {@code {"type":"otto.gap","properties":{"sessionID":..,"reason":..}}}. */
    static String gapJson(String sessionId, String reason) {
        StringWriter out = new StringWriter(96);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", SessionEvents.GAP);
            json.writeObjectFieldStart("properties");
            json.writeStringField("sessionID", sessionId);
            json.writeStringField("reason", reason);
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
