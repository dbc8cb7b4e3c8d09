package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.otto.support.testing.ReadmeTables;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The type and session id of OpenCode's events: the README's table is exactly what OpenCode
 * 1.18.33's OpenAPI document says, and for every event type the parser finds the session id in
 * each place the document puts it.
 */
class EventEnvelopeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOP = "properties.sessionID";
    static final String OPTIONAL = "properties.sessionID (optional)";
    static final String INFO = "properties.info.sessionID";
    static final String PART = "properties.part.sessionID";
    static final String NONE = "none";

    /** Event type → where its session id is, from {@code #/components/schemas/Event}. */
    static Map<String, List<String>> fromSchema() throws IOException {
        JsonNode doc;
        try (InputStream in = new GZIPInputStream(EventEnvelopeTest.class.getResourceAsStream("/opencode-1.18.33/openapi.json.gz"))) {
            doc = JSON.readTree(in);
        }
        JsonNode schemas = doc.path("components").path("schemas");
        Map<String, List<String>> places = new TreeMap<>();
        for (JsonNode alternative : schemas.path("Event").path("anyOf")) {
            JsonNode event = deref(schemas, alternative);
            String type = event.path("properties").path("type").path("enum").path(0).asText();
            JsonNode properties = deref(schemas, event.path("properties").path("properties"));
            JsonNode fields = properties.path("properties");
            List<String> where = new ArrayList<>();
            if (fields.has("sessionID")) {
                boolean required = false;
                for (JsonNode name : properties.path("required")) {
                    required |= name.asText().equals("sessionID");
                }
                where.add(required ? TOP : OPTIONAL);
            }
            if (fields.has("info") && hasField(schemas, fields.get("info"), "sessionID")) {
                where.add(INFO);
            }
            if (fields.has("part") && hasField(schemas, fields.get("part"), "sessionID")) {
                where.add(PART);
            }
            places.put(type, where.isEmpty() ? List.of(NONE) : where);
        }
        return places;
    }

    private static JsonNode deref(JsonNode schemas, JsonNode schema) {
        JsonNode s = schema;
        while (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            s = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return s;
    }

    /** Whether every variant of the schema has the field. */
    private static boolean hasField(JsonNode schemas, JsonNode schema, String field) {
        JsonNode s = deref(schemas, schema);
        for (String union : List.of("anyOf", "oneOf")) {
            if (s.has(union)) {
                for (JsonNode variant : s.get(union)) {
                    if (!hasField(schemas, variant, field)) {
                        return false;
                    }
                }
                return true;
            }
        }
        return s.path("properties").has(field);
    }

    /** The README table as place → types. */
    static Map<String, TreeSet<String>> fromReadme() {
        Map<String, TreeSet<String>> table = new TreeMap<>();
        for (List<String> row : ReadmeTables.table("session id at")) {
            table.put(row.get(0), new TreeSet<>(Arrays.asList(row.get(1).split(",\\s*"))));
        }
        return table;
    }

    @Test
    void theReadmeTableIsWhatTheOpenApiDocumentSays() throws IOException {
        Map<String, TreeSet<String>> expected = new TreeMap<>();
        fromSchema().forEach((type, places) -> places.forEach(place -> expected.computeIfAbsent(place, p -> new TreeSet<>()).add(type)));

        assertThat(fromReadme()).isEqualTo(expected);
        assertThat(expected.get(TOP)).contains("session.status", "session.idle", "message.updated", "message.part.updated",
                "message.part.delta", "session.next.retried");
    }

    @Test
    void theParserFindsTheSessionIdWhereverTheDocumentPutsIt() throws IOException {
        for (Map.Entry<String, List<String>> entry : fromSchema().entrySet()) {
            String type = entry.getKey();
            for (String place : entry.getValue()) {
                ObjectNode event = JSON.createObjectNode();
                event.put("id", "evt_1");
                event.put("type", type);
                ObjectNode properties = event.putObject("properties");
                properties.put("other", "x");
                switch (place) {
                    case TOP, OPTIONAL -> properties.put("sessionID", "ses_" + type);
                    case INFO -> properties.putObject("info").put("id", "msg_1").put("sessionID", "ses_" + type);
                    case PART -> properties.putObject("part").put("id", "prt_1").put("sessionID", "ses_" + type);
                    default -> properties.putObject("info").put("id", "x"); // none: a nested object without it
                }
                byte[] bytes = JSON.writeValueAsBytes(event);

                EventEnvelope envelope = EventEnvelope.read(bytes, bytes.length);

                assertThat(envelope).as("%s with the id at %s", type, place)
                        .isEqualTo(new EventEnvelope(type, place.equals(NONE) ? null : "ses_" + type));
            }
        }
    }

    @Test
    void somethingThatIsNoEventHasNoEnvelope() {
        for (String data : List.of("", "[]", "42", "{\"properties\":{\"sessionID\":\"ses_a\"}}", "{\"type\":",
                "{\"type\":7,\"properties\":{}}")) {
            byte[] bytes = data.getBytes(UTF_8);
            assertThat(EventEnvelope.read(bytes, bytes.length)).as(data).isNull();
        }
    }

    @Test
    void aGapNamesItsSessionAndReasonAsJson() throws IOException {
        JsonNode gap = JSON.readTree(EventEnvelope.gapJson("ses_\"quoted\"\n", "overflow"));

        assertThat(gap.path("type").asText()).isEqualTo("otto.gap");
        assertThat(gap.path("properties").path("sessionID").asText()).isEqualTo("ses_\"quoted\"\n");
        assertThat(gap.path("properties").path("reason").asText()).isEqualTo("overflow");
    }
}
