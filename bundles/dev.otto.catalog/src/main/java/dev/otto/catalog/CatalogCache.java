package dev.otto.catalog;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.catalog.OpenCodeAnswers.BadJson;
import dev.otto.catalog.OpenCodeAnswers.Cursor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The on-disk form of a {@link CatalogSnapshot} ({@code <data>/model-catalog-cache.json}), as
 * bytes: writing them atomically is the caller's job.
 *
 * <pre>{@code
 * {"schemaVersion":1,"fetchedAt":"2026-11-21T10:00:00Z","source":"http://127.0.0.1:4096",
 *  "snapshotId":"s3f2a9c01b7de","opencodeVersion":"1.18.33","globalDefault":"openai/gpt-5.2",
 *  "providers":{"openai":{"name":"OpenAI","defaultModelId":"gpt-5.2","models":{
 *    "gpt-5.2":{"name":"GPT-5.2","contextLimit":400000,"outputLimit":128000,
 *      "cost":{"input":1.75,"output":14,"cacheRead":0.175,"cacheWrite":null},"status":"active"}}}}}
 * }</pre>
 *
 * <p>Only the allow-listed content of a snapshot exists here, so the file holds no secret. Every
 * field is written, nulls included, and {@link #decode} wants exactly these fields: the file is
 * ours, so anything else means damage. The snapshot id doubles as a checksum: {@link #decode}
 * recomputes it from the content ({@link OpenCodeAnswers#contentId}) and refuses a file whose
 * content was changed or damaged. Prices keep their exact decimal form, so a round trip gives an
 * equal record.
 */
final class CatalogCache {

    /** The schema this class writes and the only one it reads. */
    static final int SCHEMA_VERSION = 1;

    private static final int SCHEMA = 1;
    private static final int FETCHED_AT = 1 << 1;
    private static final int SOURCE = 1 << 2;
    private static final int SNAPSHOT_ID = 1 << 3;
    private static final int OPENCODE_VERSION = 1 << 4;
    private static final int GLOBAL_DEFAULT = 1 << 5;
    private static final int PROVIDERS = 1 << 6;

    private CatalogCache() {
    }

    /**
     * Encodes a snapshot as UTF-8 JSON.
     *
     * @param snapshot the snapshot; its id must be its content id, as {@link OpenCodeAnswers} makes it
     * @return the file's bytes
     * @throws IllegalArgumentException if the snapshot's id is not its content id: such a file could
     *     never be read back, because the id is what detects damage
     */
    static byte[] encode(CatalogSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot must not be null");
        if (!OpenCodeAnswers.contentId(snapshot.providers(), snapshot.globalDefault()).equals(snapshot.snapshotId())) {
            throw new IllegalArgumentException("snapshot " + snapshot.snapshotId() + " does not carry its content id"
                    + " (OpenCodeAnswers.contentId): the cache could not verify it when reading it back");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096 + 300 * snapshot.modelCount());
        try (JsonGenerator out = OpenCodeAnswers.JSON.createGenerator(bytes)) {
            out.writeStartObject();
            out.writeNumberField("schemaVersion", SCHEMA_VERSION);
            out.writeStringField("fetchedAt", snapshot.fetchedAt().toString());
            out.writeStringField("source", snapshot.source().toString());
            out.writeStringField("snapshotId", snapshot.snapshotId());
            out.writeStringField("opencodeVersion", snapshot.opencodeVersion());
            out.writeStringField("globalDefault",
                    snapshot.globalDefault() == null ? null : snapshot.globalDefault().toString());
            out.writeObjectFieldStart("providers");
            for (CatalogProvider provider : snapshot.providers().values()) {
                out.writeObjectFieldStart(provider.id());
                out.writeStringField("name", provider.name());
                out.writeStringField("defaultModelId", provider.defaultModelId());
                out.writeObjectFieldStart("models");
                for (CatalogModel model : provider.models().values()) {
                    out.writeObjectFieldStart(model.ref().modelId());
                    out.writeStringField("name", model.name());
                    out.writeNumberField("contextLimit", model.contextLimit());
                    out.writeNumberField("outputLimit", model.outputLimit());
                    out.writeObjectFieldStart("cost");
                    // BigDecimal.toString keeps unscaled value and scale, so reading gives an equal number.
                    price(out, "input", model.cost().inputPerMillion());
                    price(out, "output", model.cost().outputPerMillion());
                    price(out, "cacheRead", model.cost().cacheReadPerMillion());
                    price(out, "cacheWrite", model.cost().cacheWritePerMillion());
                    out.writeEndObject();
                    out.writeStringField("status", model.status());
                    out.writeEndObject();
                }
                out.writeEndObject();
                out.writeEndObject();
            }
            out.writeEndObject();
            out.writeEndObject();
            out.writeRaw('\n');
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; this is unreachable short of a Jackson bug.
            throw new UncheckedIOException("encoding the catalog cache failed", e);
        }
        return bytes.toByteArray();
    }

    private static void price(JsonGenerator out, String field, BigDecimal value) throws IOException {
        out.writeFieldName(field);
        out.writeNumber(value);
    }

    /**
     * Decodes and verifies a cache file.
     *
     * @param bytes the file's content
     * @return the snapshot it holds, equal to the one encoded
     * @throws CorruptCacheException if the bytes are not a complete cache of schema {@value #SCHEMA_VERSION}
     *     whose content matches its snapshot id
     */
    static CatalogSnapshot decode(byte[] bytes) throws CorruptCacheException {
        Objects.requireNonNull(bytes, "bytes must not be null");
        try (Cursor in = new Cursor(bytes)) {
            in.root();
            int seen = 0;
            Instant fetchedAt = null;
            URI source = null;
            String snapshotId = null;
            String opencodeVersion = null;
            ModelRef globalDefault = null;
            Map<String, CatalogProvider> providers = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                int bit = bit(field);
                if (bit == 0) {
                    throw in.fail("expected only the fields of cache schema " + SCHEMA_VERSION);
                }
                if ((seen & bit) != 0) {
                    throw in.fail("expected each field once");
                }
                seen |= bit;
                switch (field) {
                    case "schemaVersion" -> {
                        // Written first, so a file of another schema is recognised before anything else.
                        long version = in.count();
                        if (in.atNull() || version != SCHEMA_VERSION) {
                            throw in.fail("expected " + SCHEMA_VERSION + ", the only cache schema this Otto reads");
                        }
                    }
                    case "fetchedAt" -> fetchedAt = instant(in);
                    case "source" -> source = source(in);
                    case "snapshotId" -> {
                        snapshotId = in.stringOrNull();
                        if (snapshotId == null || !Ids.isValid(snapshotId)) {
                            throw in.fail("expected a snapshot id");
                        }
                    }
                    case "opencodeVersion" -> {
                        opencodeVersion = in.stringOrNull();
                        if (opencodeVersion != null && !Ids.isValid(opencodeVersion)) {
                            throw in.fail("expected a version such as 1.18.33, or null");
                        }
                    }
                    case "globalDefault" -> {
                        String ref = in.stringOrNull();
                        if (ref != null && !ModelRef.isValid(ref)) {
                            throw in.fail("expected provider/model, or null");
                        }
                        globalDefault = ref == null ? null : ModelRef.parse(ref);
                    }
                    case "providers" -> providers = providers(in);
                    default -> throw new IllegalStateException("field without a case: " + field);
                }
            }
            // At the root's END_OBJECT the path is "$".
            requirePresent(in, seen, SCHEMA, "schemaVersion", "a schema version");
            requirePresent(in, seen, FETCHED_AT, "fetchedAt", "an ISO-8601 instant");
            requirePresent(in, seen, SOURCE, "source", "a URI");
            requirePresent(in, seen, SNAPSHOT_ID, "snapshotId", "a snapshot id");
            requirePresent(in, seen, OPENCODE_VERSION, "opencodeVersion", "a version or null");
            requirePresent(in, seen, GLOBAL_DEFAULT, "globalDefault", "provider/model or null");
            requirePresent(in, seen, PROVIDERS, "providers", "an object of providers");
            in.end();
            if (!OpenCodeAnswers.contentId(providers, globalDefault).equals(snapshotId)) {
                throw new CorruptCacheException(
                        "$.snapshotId: expected the id computed from the content (the file was changed or damaged)");
            }
            return new CatalogSnapshot(snapshotId, fetchedAt, source, opencodeVersion, providers, globalDefault);
        } catch (BadJson e) {
            throw new CorruptCacheException(e.getMessage());
        } catch (IllegalArgumentException e) {
            // A record refused a value the checks above let through; its message may quote the value.
            throw new CorruptCacheException("$: expected a valid snapshot");
        }
    }

    private static int bit(String field) {
        return switch (field) {
            case "schemaVersion" -> SCHEMA;
            case "fetchedAt" -> FETCHED_AT;
            case "source" -> SOURCE;
            case "snapshotId" -> SNAPSHOT_ID;
            case "opencodeVersion" -> OPENCODE_VERSION;
            case "globalDefault" -> GLOBAL_DEFAULT;
            case "providers" -> PROVIDERS;
            default -> 0;
        };
    }

    private static void requirePresent(Cursor in, int seen, int bit, String field, String expected) throws BadJson {
        if ((seen & bit) == 0) {
            throw in.failAt(Cursor.member(field), "missing, expected " + expected);
        }
    }

    private static Instant instant(Cursor in) throws BadJson {
        String text = in.stringOrNull();
        try {
            if (text != null) {
                return Instant.parse(text);
            }
        } catch (DateTimeParseException e) {
            // Reported below without the text.
        }
        throw in.fail("expected an ISO-8601 instant such as 2026-11-21T10:00:00Z");
    }

    private static URI source(Cursor in) throws BadJson {
        String text = in.stringOrNull();
        URI uri = null;
        try {
            if (text != null) {
                uri = new URI(text);
            }
        } catch (URISyntaxException e) {
            // Reported below without the text.
        }
        if (uri == null || uri.getRawUserInfo() != null) {
            throw in.fail("expected a URI without credentials");
        }
        return uri;
    }

    private static Map<String, CatalogProvider> providers(Cursor in) throws BadJson {
        in.expectObject("expected an object of providers by id");
        Map<String, CatalogProvider> providers = new HashMap<>();
        for (String id = in.nextField(); id != null; id = in.nextField()) {
            if (!ModelRef.isValidProviderId(id)) {
                throw in.fail("expected a provider id");
            }
            CatalogProvider provider = provider(in, id);
            if (providers.putIfAbsent(id, provider) != null) {
                throw in.fail("expected each provider once");
            }
        }
        return providers;
    }

    private static CatalogProvider provider(Cursor in, String id) throws BadJson {
        in.expectObject("expected a provider object");
        int seen = 0;
        String name = null;
        String defaultModelId = null;
        Map<String, CatalogModel> models = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> {
                    seen = once(in, seen, 1);
                    name = in.stringOrNull();
                    if (name == null) {
                        throw in.fail("expected a string");
                    }
                }
                case "defaultModelId" -> {
                    seen = once(in, seen, 2);
                    defaultModelId = in.stringOrNull();
                    if (defaultModelId != null && !OpenCodeAnswers.isValidModelId(defaultModelId)) {
                        throw in.fail("expected a model id, or null");
                    }
                }
                case "models" -> {
                    seen = once(in, seen, 4);
                    models = models(in, id);
                }
                default -> throw in.fail("expected only name, defaultModelId and models");
            }
        }
        // At the provider's END_OBJECT the path is the provider's own.
        if ((seen & 1) == 0) {
            throw in.failAt(".name", "missing, expected a string");
        }
        if ((seen & 2) == 0) {
            throw in.failAt(".defaultModelId", "missing, expected a model id or null");
        }
        if ((seen & 4) == 0) {
            throw in.failAt(".models", "missing, expected an object of models");
        }
        return new CatalogProvider(id, name, defaultModelId, models);
    }

    private static Map<String, CatalogModel> models(Cursor in, String providerId) throws BadJson {
        in.expectObject("expected an object of models by id");
        Map<String, CatalogModel> models = new HashMap<>();
        for (String id = in.nextField(); id != null; id = in.nextField()) {
            if (!OpenCodeAnswers.isValidModelId(id)) {
                throw in.fail("expected a model id");
            }
            CatalogModel model = model(in, new ModelRef(providerId, id));
            if (models.putIfAbsent(id, model) != null) {
                throw in.fail("expected each model once");
            }
        }
        return models;
    }

    private static CatalogModel model(Cursor in, ModelRef ref) throws BadJson {
        in.expectObject("expected a model object");
        int seen = 0;
        String name = null;
        long context = 0;
        long output = 0;
        ModelCost cost = null;
        String status = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> {
                    seen = once(in, seen, 1);
                    name = in.stringOrNull();
                    if (name == null || name.isBlank()) {
                        throw in.fail("expected a non-blank string");
                    }
                }
                case "contextLimit" -> {
                    seen = once(in, seen, 2);
                    context = in.count();
                    if (in.atNull()) {
                        throw in.fail("expected a whole number >= 0");
                    }
                }
                case "outputLimit" -> {
                    seen = once(in, seen, 4);
                    output = in.count();
                    if (in.atNull()) {
                        throw in.fail("expected a whole number >= 0");
                    }
                }
                case "cost" -> {
                    seen = once(in, seen, 8);
                    cost = cost(in);
                }
                case "status" -> {
                    seen = once(in, seen, 16);
                    status = in.stringOrNull();
                    if (status == null || (!status.isEmpty() && !Ids.isValid(status))) {
                        throw in.fail("expected a status word or an empty string");
                    }
                }
                default -> throw in.fail("expected only name, contextLimit, outputLimit, cost and status");
            }
        }
        if (seen != 31) {
            String missing = (seen & 1) == 0 ? ".name" : (seen & 2) == 0 ? ".contextLimit"
                    : (seen & 4) == 0 ? ".outputLimit" : (seen & 8) == 0 ? ".cost" : ".status";
            throw in.failAt(missing, "missing");
        }
        return new CatalogModel(ref, name, context, output, cost, status);
    }

    private static ModelCost cost(Cursor in) throws BadJson {
        in.expectObject("expected an object with input, output, cacheRead and cacheWrite");
        int seen = 0;
        BigDecimal[] prices = new BigDecimal[4];
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            int slot = switch (field) {
                case "input" -> 0;
                case "output" -> 1;
                case "cacheRead" -> 2;
                case "cacheWrite" -> 3;
                default -> throw in.fail("expected only input, output, cacheRead and cacheWrite");
            };
            seen = once(in, seen, 1 << slot);
            prices[slot] = in.price();
        }
        if (seen != 15) {
            throw in.failAt("", "expected input, output, cacheRead and cacheWrite, each a number or null");
        }
        if (prices[0] == null && prices[1] == null && prices[2] == null && prices[3] == null) {
            return ModelCost.UNKNOWN;
        }
        return new ModelCost(prices[0], prices[1], prices[2], prices[3]);
    }

    private static int once(Cursor in, int seen, int bit) throws BadJson {
        if ((seen & bit) != 0) {
            throw in.fail("expected each field once");
        }
        return seen | bit;
    }
}
