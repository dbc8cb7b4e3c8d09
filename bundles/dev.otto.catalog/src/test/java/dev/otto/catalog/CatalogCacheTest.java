package dev.otto.catalog;

import static dev.otto.catalog.OpenCodeAnswersTest.FETCHED_AT;
import static dev.otto.catalog.OpenCodeAnswersTest.SOURCE;
import static dev.otto.catalog.OpenCodeAnswersTest.fixture;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.model.ModelRef;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The cache file: exact round trips, and every kind of damage refused with a path and no value. */
class CatalogCacheTest {

    static CatalogSnapshot openai() throws Exception {
        return OpenCodeAnswers.snapshot(fixture("config-providers.openai-connected.json"),
                fixture("config.model-set.json"), "1.18.33", SOURCE, FETCHED_AT);
    }

    /** A hand-made snapshot with the awkward cases: slashes, odd decimal forms, nulls, empty strings. */
    static CatalogSnapshot awkward() {
        ModelRef gemini = ModelRef.parse("openrouter/google/gemini-3-pro");
        ModelRef tiny = ModelRef.parse("openrouter/tiny");
        Map<String, CatalogModel> models = Map.of(
                gemini.modelId(), new CatalogModel(gemini, "Gemini \"3\" Pro \\ ü", 1_048_576, 65_536,
                        new ModelCost(new BigDecimal("2.50"), new BigDecimal("1E+3"), new BigDecimal("1E-7"), null),
                        "beta"),
                tiny.modelId(), new CatalogModel(tiny, "tiny", 0, 0, ModelCost.UNKNOWN, ""));
        Map<String, CatalogProvider> providers = Map.of(
                "openrouter", new CatalogProvider("openrouter", "", "google/gemini-3-pro", models),
                "empty", new CatalogProvider("empty", "Empty", null, Map.of()));
        return new CatalogSnapshot(OpenCodeAnswers.contentId(providers, null),
                Instant.parse("2026-11-21T10:00:00.123456789Z"), SOURCE, null, providers, null);
    }

    @Test
    void realSnapshotRoundTripsExactly() throws Exception {
        CatalogSnapshot snapshot = openai();

        byte[] bytes = CatalogCache.encode(snapshot);

        assertThat(CatalogCache.decode(bytes)).isEqualTo(snapshot);
        assertThat(new String(bytes, UTF_8)).startsWith("{\"schemaVersion\":1,\"fetchedAt\":\"2026-11-21T10:00:00Z\","
                + "\"source\":\"http://127.0.0.1:4096\",\"snapshotId\":\"" + snapshot.snapshotId() + "\","
                + "\"opencodeVersion\":\"1.18.33\",\"globalDefault\":\"openai/gpt-5.2\",\"providers\":{");
        // Same snapshot, same bytes: the file does not churn when nothing changed.
        assertThat(CatalogCache.encode(CatalogCache.decode(bytes))).isEqualTo(bytes);
    }

    @Test
    void wholeCatalogRoundTripsExactly() throws Exception {
        CatalogSnapshot all = OpenCodeAnswers.snapshotOfAllProviders(fixture("provider.all.json.gz"),
                fixture("config.no-model.json"), null, SOURCE, FETCHED_AT);

        assertThat(CatalogCache.decode(CatalogCache.encode(all))).isEqualTo(all);
    }

    @Test
    void awkwardValuesRoundTripExactly() throws Exception {
        CatalogSnapshot snapshot = awkward();

        CatalogSnapshot back = CatalogCache.decode(CatalogCache.encode(snapshot));

        assertThat(back).isEqualTo(snapshot);
        CatalogModel gemini = back.find(ModelRef.parse("openrouter/google/gemini-3-pro")).orElseThrow();
        assertThat(gemini.cost().inputPerMillion().scale()).isEqualTo(2);
        assertThat(gemini.cost().outputPerMillion().scale()).isEqualTo(-3);
        assertThat(back.fetchedAt().getNano()).isEqualTo(123_456_789);
    }

    @Test
    void cacheOfAnOpenCodeSnapshotHoldsNoKey() throws Exception {
        CatalogSnapshot snapshot = OpenCodeAnswers.snapshot(
                OpenCodeAnswersTest.json(OpenCodeAnswersTest.withCanary()), OpenCodeAnswersTest.NO_MODEL, null,
                SOURCE, FETCHED_AT);

        String text = new String(CatalogCache.encode(snapshot), UTF_8);

        assertThat(text).doesNotContain("CANARY").doesNotContain("key").doesNotContain("Authorization");
    }

    @Test
    void encodeRefusesASnapshotWhoseIdIsNotItsContentId() throws Exception {
        CatalogSnapshot real = openai();
        CatalogSnapshot foreign = new CatalogSnapshot("s1", real.fetchedAt(), real.source(), null, real.providers(),
                real.globalDefault());

        assertThatThrownBy(() -> CatalogCache.encode(foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("content id");
    }

    // --- damage --------------------------------------------------------------------------------

    static String text() throws Exception {
        return new String(CatalogCache.encode(openai()), UTF_8);
    }

    @Test
    void emptyFileIsCorrupt() {
        assertCorrupt(new byte[0], "$: expected a JSON object, found no content");
        assertCorrupt("  \n".getBytes(UTF_8), "$: expected a JSON object, found no content");
    }

    @Test
    void truncatedFileIsCorrupt() throws Exception {
        byte[] bytes = CatalogCache.encode(openai());

        assertThatThrownBy(() -> CatalogCache.decode(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(CorruptCacheException.class)
                .hasMessageContaining("unexpected end of input");
        // Cut inside the last closing braces: every field is there, the document is not.
        assertCorrupt(Arrays.copyOf(bytes, bytes.length - 2),
                "$.providers: unexpected end of input, expected the rest of the JSON document");
    }

    @Test
    void flippedByteInAModelNameIsCaughtByTheSnapshotId() throws Exception {
        byte[] bytes = CatalogCache.encode(openai());
        int at = new String(bytes, UTF_8).indexOf("\"name\":\"GPT-5.2\"") + "\"name\":\"GP".length();
        assertThat(bytes[at]).isEqualTo((byte) 'T');
        bytes[at] ^= 0x01; // GPT-5.2 becomes GPU-5.2: still valid JSON, still a valid name

        assertCorrupt(bytes, "$.snapshotId: expected the id computed from the content (the file was changed or damaged)");
    }

    @Test
    void snapshotIdNotMatchingTheContentIsCorrupt() throws Exception {
        CatalogSnapshot snapshot = openai();
        String text = text().replace(snapshot.snapshotId(), "s000000000000");

        assertCorrupt(text.getBytes(UTF_8),
                "$.snapshotId: expected the id computed from the content (the file was changed or damaged)");
    }

    @Test
    void unknownSchemaVersionIsCorrupt() throws Exception {
        String text = text().replace("{\"schemaVersion\":1,", "{\"schemaVersion\":2,");

        assertCorrupt(text.getBytes(UTF_8), "$.schemaVersion: expected 1, the only cache schema this Otto reads");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        not JSON              | {"schemaVersion":1,              | x{'schemaVersion':1,               | $: expected well-formed JSON
        array root            | {"schemaVersion":1,              | [{'schemaVersion':1,               | $: expected a JSON object
        unknown field         | "schemaVersion":1,               | 'schemaVersion':1,'extra':true,    | $.extra: expected only the fields of cache schema 1
        duplicate field       | "schemaVersion":1,               | 'schemaVersion':1,'schemaVersion':1, | $.schemaVersion: expected each field once
        missing field         | "opencodeVersion":"1.18.33",     | ''                                 | $.opencodeVersion: missing, expected a version or null
        schema as text        | "schemaVersion":1,               | 'schemaVersion':'1',               | $.schemaVersion: expected a whole number >= 0
        bad instant           | "fetchedAt":"2026-11-21T10:00:00Z" | 'fetchedAt':'yesterday'          | $.fetchedAt: expected an ISO-8601 instant such as 2026-11-21T10:00:00Z
        credentials in source | "source":"http://127.0.0.1:4096" | 'source':'http://u:pw@127.0.0.1:4096' | $.source: expected a URI without credentials
        bad global default    | "globalDefault":"openai/gpt-5.2" | 'globalDefault':'gpt-5.2'          | $.globalDefault: expected provider/model, or null
        bad provider id       | "openai":{                       | 'open ai':{                        | $.providers["open ai"]: expected a provider id
        negative limit        | "gpt-5.2":{"name":"GPT-5.2","contextLimit":400000, | 'gpt-5.2':{'name':'GPT-5.2','contextLimit':-400000, | $.providers.openai.models["gpt-5.2"].contextLimit: expected a whole number >= 0
        null limit            | "gpt-5.2":{"name":"GPT-5.2","contextLimit":400000, | 'gpt-5.2':{'name':'GPT-5.2','contextLimit':null,    | $.providers.openai.models["gpt-5.2"].contextLimit: expected a whole number >= 0
        blank model name      | "gpt-5.2":{"name":"GPT-5.2"      | 'gpt-5.2':{'name':'  '             | $.providers.openai.models["gpt-5.2"].name: expected a non-blank string
        unknown model field   | "gpt-5.2":{"name"                | 'gpt-5.2':{'secret':'sk-x','name'  | $.providers.openai.models["gpt-5.2"].secret: expected only name, contextLimit, outputLimit, cost and status
        negative price        | "gpt-5.2":{"name":"GPT-5.2","contextLimit":400000,"outputLimit":128000,"cost":{"input":1.75, | 'gpt-5.2':{'name':'GPT-5.2','contextLimit':400000,'outputLimit':128000,'cost':{'input':-1.75, | $.providers.openai.models["gpt-5.2"].cost.input: expected a price >= 0
        missing price         | "gpt-5.2":{"name":"GPT-5.2","contextLimit":400000,"outputLimit":128000,"cost":{"input":1.75, | 'gpt-5.2':{'name':'GPT-5.2','contextLimit':400000,'outputLimit':128000,'cost':{ | $.providers.openai.models["gpt-5.2"].cost: expected input, output, cacheRead and cacheWrite, each a number or null
        """)
    void damagedFieldsAreCorruptWithAPath(String label, String find, String replacement, String detail)
            throws Exception {
        String text = text();
        assertThat(text).contains(find);
        String replacementJson = replacement.equals("''") ? "" : replacement.replace('\'', '"');

        // Each find text occurs once: model rows start at the gpt-5.2 entry.
        String damaged = text.replaceFirst(Pattern.quote(find), Matcher.quoteReplacement(replacementJson));

        CorruptCacheException e = assertCorrupt(damaged.getBytes(UTF_8), detail);
        assertThat(e.getMessage()).doesNotContain("yesterday").doesNotContain("pw@").doesNotContain("400000")
                .doesNotContain("sk-x").doesNotContain("1.75").doesNotContain("GPT-5.2");
    }

    private static CorruptCacheException assertCorrupt(byte[] bytes, String message) {
        try {
            CatalogCache.decode(bytes);
        } catch (CorruptCacheException e) {
            assertThat(e).hasMessage(message);
            return e;
        }
        throw new AssertionError("decode accepted a damaged cache: expected " + message);
    }
}
