package dev.otto.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the answers of an OpenCode server into a {@link CatalogSnapshot}.
 *
 * <p>Every answer is validated in full before anything is accepted: a wrong type or a missing
 * required field anywhere fails the whole fetch with {@link CatalogFetchException.Cause#INVALID_ANSWER}
 * and a detail such as {@code in /config/providers at $.providers[3].models["gpt-5.2"].limit.context:
 * expected a whole number >= 0}. The detail names the place and what was expected, never a value
 * from the answer (ids appear only as keys of the path).
 *
 * <p>Only an allow-list is kept: provider id, name and default model id; per model id, name,
 * context and output limits, cost and status. Everything else, notably a provider's {@code key}
 * and {@code options} (which may hold an API key), is skipped by the streaming parser without
 * ever being turned into a string, so it cannot reach the snapshot, a message or a log. Unknown
 * fields are skipped too, because OpenCode adds fields over time.
 *
 * <p>The parser is Jackson's streaming {@link JsonParser}: the {@code /provider} answer is 6 MB,
 * and building a tree of it only to throw most of it away would cost more than the parse itself.
 */
final class OpenCodeAnswers {

    /** The endpoint whose answer {@link #snapshot} reads; named in every error detail. */
    static final String CONFIG_PROVIDERS = "/config/providers";
    /** The endpoint holding the global default model. */
    static final String CONFIG = "/config";
    /** The endpoint with the whole catalog, read by {@link #snapshotFromProviderList}. */
    static final String PROVIDER = "/provider";
    /** The endpoint with the server version. */
    static final String HEALTH = "/global/health";

    /**
     * One factory for all parsers (factories are thread-safe). Field-name interning is off: the
     * catalog has thousands of distinct model ids, interning them buys nothing since names are
     * compared with {@code equals}, and Jackson's shared symbol table would be reset each time
     * anyway once it holds more than a few thousand names.
     */
    static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    /** Prices beyond this many integer digits are nonsense and would make plain printing costly. */
    private static final int MAX_PRICE_INTEGER_DIGITS = 12;
    /** Prices with more decimals than this are nonsense for dollars per million tokens. */
    private static final int MAX_PRICE_DECIMALS = 30;
    /** Keys longer than this are cut in paths, so an error message stays one readable line. */
    private static final int MAX_KEY_IN_PATH = 100;

    private OpenCodeAnswers() {
    }

    /**
     * Builds a snapshot from {@code GET /config/providers} and {@code GET /config}.
     *
     * @param providers body of {@code GET /config/providers}: {@code {"providers":[...],"default":{...}}}
     * @param config body of {@code GET /config}; its {@code model} is the global default, may be absent
     * @param opencodeVersion from {@code GET /global/health}, or null if unknown
     * @param source the server's URL; credentials, query and fragment are dropped
     * @param fetchedAt when the server answered
     * @return the snapshot of the connected providers
     * @throws CatalogFetchException with {@code INVALID_ANSWER} if an answer is not what was expected
     */
    static CatalogSnapshot snapshot(byte[] providers, byte[] config, String opencodeVersion, URI source,
            Instant fetchedAt) throws CatalogFetchException {
        Parsed parsed = parseAnswer(providers, CONFIG_PROVIDERS, "providers", false, source);
        ModelRef globalDefault = globalDefault(config, source);
        return assemble(parsed, null, globalDefault, opencodeVersion, source, fetchedAt);
    }

    /**
     * Builds a snapshot from {@code GET /provider} and {@code GET /config}, keeping only the
     * providers that {@code connected} lists, as {@code /config/providers} would. Every provider
     * of {@code all} is validated all the same: a malformed answer is rejected as a whole.
     *
     * @param provider body of {@code GET /provider}: {@code {"all":[...],"default":{...},"connected":[...]}}
     * @param config body of {@code GET /config}
     * @param opencodeVersion from {@code GET /global/health}, or null if unknown
     * @param source the server's URL
     * @param fetchedAt when the server answered
     * @return the snapshot of the connected providers
     * @throws CatalogFetchException with {@code INVALID_ANSWER} if an answer is not what was expected
     */
    static CatalogSnapshot snapshotFromProviderList(byte[] provider, byte[] config, String opencodeVersion,
            URI source, Instant fetchedAt) throws CatalogFetchException {
        Parsed parsed = parseAnswer(provider, PROVIDER, "all", true, source);
        ModelRef globalDefault = globalDefault(config, source);
        return assemble(parsed, new HashSet<>(parsed.connected), globalDefault, opencodeVersion, source,
                fetchedAt);
    }

    /**
     * Builds a snapshot of every provider of {@code GET /provider}, connected or not. Not used by
     * the runtime (it offers only connected providers); the benchmark uses it to measure the cost
     * of indexing the whole catalog.
     */
    static CatalogSnapshot snapshotOfAllProviders(byte[] provider, byte[] config, String opencodeVersion,
            URI source, Instant fetchedAt) throws CatalogFetchException {
        Parsed parsed = parseAnswer(provider, PROVIDER, "all", true, source);
        ModelRef globalDefault = globalDefault(config, source);
        return assemble(parsed, null, globalDefault, opencodeVersion, source, fetchedAt);
    }

    /**
     * Reads the version from {@code GET /global/health}: {@code {"healthy":true,"version":"1.18.33"}}.
     * The {@code healthy} flag is not judged here: a server that answers at all is asked for its
     * catalog next, and that answer decides.
     *
     * @param health the body
     * @return the version, or null if the answer has none
     * @throws CatalogFetchException with {@code INVALID_ANSWER} if the body is not a JSON object or
     *     the version is not a short token
     */
    static String healthVersion(byte[] health) throws CatalogFetchException {
        // Without the server's URL the exception can only name the endpoint; callers that know
        // the URL should use the two-argument form.
        return healthVersion(health, URI.create(HEALTH));
    }

    /**
     * Reads the version from {@code GET /global/health}, naming {@code source} in any exception.
     *
     * @param health the body
     * @param source the server's URL
     * @return the version, or null if the answer has none
     * @throws CatalogFetchException with {@code INVALID_ANSWER} if the body is not a JSON object or
     *     the version is not a short token
     */
    static String healthVersion(byte[] health, URI source) throws CatalogFetchException {
        try (Cursor in = new Cursor(health)) {
            in.root();
            String version = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                if (field.equals("version")) {
                    version = in.stringOrNull();
                    if (version != null && !Ids.isValid(version)) {
                        throw in.fail("expected a version such as 1.18.33");
                    }
                } else {
                    in.skipValue();
                }
            }
            in.end();
            return version;
        } catch (BadJson e) {
            throw invalid(source, HEALTH, e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing of the provider answers

    /** A model as read, before its provider id is known (JSON key order is free). */
    private record RawModel(String id, String name, long context, long output, ModelCost cost, String status) {
    }

    /** A provider as read; its models are built into records only if the provider is kept. */
    private static final class RawProvider {
        String id;
        String name;
        Map<String, RawModel> models;
    }

    /** What one provider answer held. */
    private static final class Parsed {
        final Map<String, RawProvider> providers = new HashMap<>();
        final Map<String, String> defaults = new HashMap<>();
        /** The connected provider ids in answer order (for paths), null until read. */
        List<String> connected;
    }

    private static Parsed parseAnswer(byte[] body, String endpoint, String listField, boolean withConnected,
            URI source) throws CatalogFetchException {
        try (Cursor in = new Cursor(body)) {
            Parsed parsed = new Parsed();
            boolean sawList = false;
            in.root();
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                if (field.equals(listField)) {
                    readProviders(in, parsed);
                    sawList = true;
                } else if (field.equals("default")) {
                    readDefaults(in, parsed.defaults);
                } else if (withConnected && field.equals("connected")) {
                    parsed.connected = readConnected(in);
                } else {
                    in.skipValue();
                }
            }
            // At the root's end the cursor's path is "$", so missing fields are named from there.
            if (!sawList) {
                throw in.failAt(Cursor.member(listField), "missing, expected an array of providers");
            }
            if (withConnected && parsed.connected == null) {
                throw in.failAt(".connected", "missing, expected an array of provider ids");
            }
            in.end();
            if (parsed.connected != null) {
                for (int i = 0; i < parsed.connected.size(); i++) {
                    if (!parsed.providers.containsKey(parsed.connected.get(i))) {
                        throw new BadJson("$.connected[" + i + "]",
                                "expected the id of a provider listed in $." + listField);
                    }
                }
            }
            return parsed;
        } catch (BadJson e) {
            throw invalid(source, endpoint, e);
        }
    }

    private static void readProviders(Cursor in, Parsed parsed) throws BadJson {
        in.expectArray("expected an array of providers");
        while (in.nextElement()) {
            if (!in.atObject()) {
                throw in.fail("expected a provider object");
            }
            RawProvider provider = readProvider(in);
            if (parsed.providers.putIfAbsent(provider.id, provider) != null) {
                throw in.failAt(".id", "expected a provider id not listed before");
            }
        }
    }

    /** Reads one provider object; the cursor is on its START_OBJECT. */
    private static RawProvider readProvider(Cursor in) throws BadJson {
        RawProvider provider = new RawProvider();
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "id" -> {
                    String id = in.stringOrNull();
                    if (id == null || !ModelRef.isValidProviderId(id)) {
                        throw in.fail("expected a provider id (non-empty, no '/', whitespace or control characters)");
                    }
                    provider.id = id;
                }
                case "name" -> provider.name = displayText(in.stringOrNull());
                case "models" -> provider.models = readModels(in);
                // key, options (may hold apiKey), env, source and anything new: skipped unread.
                default -> in.skipValue();
            }
        }
        // The provider's END_OBJECT has been read: the path is the provider's own, e.g. $.providers[3].
        if (provider.id == null) {
            throw in.failAt(".id", "missing, expected a provider id");
        }
        if (provider.models == null) {
            throw in.failAt(".models", "missing, expected an object of models");
        }
        if (provider.name == null) {
            provider.name = "";
        }
        return provider;
    }

    private static Map<String, RawModel> readModels(Cursor in) throws BadJson {
        in.expectObject("expected an object of models by id");
        Map<String, RawModel> models = new HashMap<>();
        for (String key = in.nextField(); key != null; key = in.nextField()) {
            // The map key is the model id; an inner "id" that differs is ignored on purpose.
            if (!isValidModelId(key)) {
                throw in.fail("expected a model id (non-empty, no control characters, no surrounding whitespace)");
            }
            RawModel model = readModel(in, key);
            if (models.putIfAbsent(key, model) != null) {
                throw in.fail("expected a model id not listed before in this object");
            }
        }
        return models;
    }

    private static RawModel readModel(Cursor in, String id) throws BadJson {
        in.expectObject("expected a model object");
        String name = null;
        String status = "";
        long context = 0;
        long output = 0;
        ModelCost cost = ModelCost.UNKNOWN;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "name" -> name = displayText(in.stringOrNull());
                case "status" -> {
                    String word = in.stringOrNull();
                    if (word != null && !word.isEmpty() && !Ids.isValid(word)) {
                        throw in.fail("expected a status word such as active");
                    }
                    status = word == null ? "" : word;
                }
                case "limit" -> {
                    if (in.objectOrNull("expected an object with context and output")) {
                        for (String limit = in.nextField(); limit != null; limit = in.nextField()) {
                            switch (limit) {
                                case "context" -> context = in.count();
                                case "output" -> output = in.count();
                                default -> in.skipValue();
                            }
                        }
                    }
                }
                case "cost" -> cost = readCost(in);
                default -> in.skipValue();
            }
        }
        return new RawModel(id, name == null || name.isEmpty() ? id : name, context, output, cost, status);
    }

    private static ModelCost readCost(Cursor in) throws BadJson {
        if (!in.objectOrNull("expected an object with input, output and cache prices")) {
            return ModelCost.UNKNOWN;
        }
        BigDecimal input = null;
        BigDecimal output = null;
        BigDecimal read = null;
        BigDecimal write = null;
        for (String field = in.nextField(); field != null; field = in.nextField()) {
            switch (field) {
                case "input" -> input = in.price();
                case "output" -> output = in.price();
                case "cache" -> {
                    if (in.objectOrNull("expected an object with read and write prices")) {
                        for (String part = in.nextField(); part != null; part = in.nextField()) {
                            switch (part) {
                                case "read" -> read = in.price();
                                case "write" -> write = in.price();
                                default -> in.skipValue();
                            }
                        }
                    }
                }
                // tiers, experimentalOver200K and future price schemes: not part of the allow-list.
                default -> in.skipValue();
            }
        }
        if (input == null && output == null && read == null && write == null) {
            return ModelCost.UNKNOWN;
        }
        return new ModelCost(input, output, read, write);
    }

    private static void readDefaults(Cursor in, Map<String, String> defaults) throws BadJson {
        in.expectObject("expected an object of default model ids by provider id");
        for (String provider = in.nextField(); provider != null; provider = in.nextField()) {
            String model = in.stringOrNull();
            if (model != null && !isValidModelId(model)) {
                throw in.fail("expected a model id");
            }
            if (model != null) {
                defaults.put(provider, model);
            }
        }
    }

    private static List<String> readConnected(Cursor in) throws BadJson {
        in.expectArray("expected an array of provider ids");
        List<String> connected = new ArrayList<>();
        while (in.nextElement()) {
            String id = in.currentString();
            if (id == null || !ModelRef.isValidProviderId(id)) {
                throw in.fail("expected a provider id");
            }
            connected.add(id);
        }
        return connected;
    }

    private static ModelRef globalDefault(byte[] config, URI source) throws CatalogFetchException {
        try (Cursor in = new Cursor(config)) {
            in.root();
            ModelRef model = null;
            for (String field = in.nextField(); field != null; field = in.nextField()) {
                if (field.equals("model")) {
                    String ref = in.stringOrNull();
                    if (ref != null) {
                        if (!ModelRef.isValid(ref)) {
                            throw in.fail("expected provider/model, e.g. openai/gpt-5.2");
                        }
                        model = ModelRef.parse(ref);
                    }
                } else {
                    in.skipValue();
                }
            }
            in.end();
            return model;
        } catch (BadJson e) {
            throw invalid(source, CONFIG, e);
        }
    }

    private static CatalogSnapshot assemble(Parsed parsed, Set<String> keep, ModelRef globalDefault,
            String opencodeVersion, URI source, Instant fetchedAt) {
        Objects.requireNonNull(fetchedAt, "fetchedAt must not be null");
        Map<String, CatalogProvider> providers = new TreeMap<>();
        for (RawProvider raw : parsed.providers.values()) {
            if (keep != null && !keep.contains(raw.id)) {
                continue;
            }
            Map<String, CatalogModel> models = new HashMap<>(raw.models.size() * 2);
            for (RawModel m : raw.models.values()) {
                // Cannot throw: provider and model ids and every number were checked while reading.
                models.put(m.id(), new CatalogModel(new ModelRef(raw.id, m.id()), m.name(), m.context(),
                        m.output(), m.cost(), m.status()));
            }
            providers.put(raw.id, new CatalogProvider(raw.id, raw.name, parsed.defaults.get(raw.id), models));
        }
        return new CatalogSnapshot(contentId(providers, globalDefault), fetchedAt,
                CatalogFetchException.sanitize(source), opencodeVersion, providers, globalDefault);
    }

    private static CatalogFetchException invalid(URI source, String endpoint, BadJson e) {
        // No cause: a Jackson exception's message may quote the answer, and stack traces get logged.
        return new CatalogFetchException(source, CatalogFetchException.Cause.INVALID_ANSWER,
                "in " + endpoint + " at " + e.getMessage(), null);
    }

    /** Tells whether the text may be the model part of a reference, by {@link ModelRef}'s own rule. */
    static boolean isValidModelId(String id) {
        return !id.isEmpty() && ModelRef.isValid("p/" + id);
    }

    /**
     * Makes a display name safe for one-line output: surrounding whitespace dropped, control
     * characters (the real catalog has names ending in a tab) turned into spaces.
     */
    private static String displayText(String text) {
        if (text == null) {
            return null;
        }
        String stripped = text.strip();
        for (int i = 0; i < stripped.length(); i++) {
            if (Character.isISOControl(stripped.charAt(i))) {
                StringBuilder clean = new StringBuilder(stripped);
                for (int j = i; j < clean.length(); j++) {
                    if (Character.isISOControl(clean.charAt(j))) {
                        clean.setCharAt(j, ' ');
                    }
                }
                return clean.toString();
            }
        }
        return stripped;
    }

    // ---------------------------------------------------------------------------------------------
    // Content id

    /**
     * Computes the snapshot id of a catalog's content: {@code s} and the first 12 hex digits of a
     * SHA-256 over a canonical form of the allow-listed content and the global default. The form
     * is length-prefixed (so no two contents share it), sorted by provider and model id (so key
     * order does not matter) and compares prices by value ({@code 2.5} and {@code 2.50} are the same
     * price). Fetch time, source and OpenCode version are not content: the same catalog keeps its id.
     *
     * @param providers the providers by id
     * @param globalDefault the global default, or null
     * @return the id, e.g. {@code s3f2a9c01b7de}
     */
    static String contentId(Map<String, CatalogProvider> providers, ModelRef globalDefault) {
        Canonical out = new Canonical();
        out.text("otto-catalog-content-v1");
        out.text(globalDefault == null ? null : globalDefault.toString());
        Map<String, CatalogProvider> sorted = providers instanceof TreeMap ? providers : new TreeMap<>(providers);
        out.number(sorted.size());
        for (CatalogProvider provider : sorted.values()) {
            out.text(provider.id());
            out.text(provider.name());
            out.text(provider.defaultModelId());
            out.number(provider.models().size());
            // CatalogProvider keeps its models sorted by id.
            for (CatalogModel model : provider.models().values()) {
                out.text(model.ref().modelId());
                out.text(model.name());
                out.number(model.contextLimit());
                out.number(model.outputLimit());
                out.price(model.cost().inputPerMillion());
                out.price(model.cost().outputPerMillion());
                out.price(model.cost().cacheReadPerMillion());
                out.price(model.cost().cacheWritePerMillion());
                out.text(model.status());
            }
        }
        byte[] digest = out.digest();
        StringBuilder id = new StringBuilder(13).append('s');
        for (int i = 0; i < 6; i++) {
            id.append(Character.forDigit((digest[i] >> 4) & 0xf, 16)).append(Character.forDigit(digest[i] & 0xf, 16));
        }
        return id.toString();
    }

    /** Feeds a SHA-256 through a small buffer, so hashing thousands of short strings stays cheap. */
    private static final class Canonical {
        private final MessageDigest sha;
        private final byte[] buffer = new byte[8192];
        private int used;

        Canonical() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        void text(String text) {
            if (text == null) {
                number32(-1);
                return;
            }
            number32(text.length());
            for (int i = 0; i < text.length(); i++) {
                room(2);
                char c = text.charAt(i);
                buffer[used++] = (byte) (c >> 8);
                buffer[used++] = (byte) c;
            }
        }

        void number(long value) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[used++] = (byte) (value >> shift);
            }
        }

        void price(BigDecimal price) {
            if (price == null) {
                text(null);
                return;
            }
            // By value: unscaled digits and scale of the form without trailing zeros.
            BigDecimal value = price.signum() == 0 ? BigDecimal.ZERO : price.stripTrailingZeros();
            text(value.unscaledValue().toString());
            number32(value.scale());
        }

        private void number32(int value) {
            room(4);
            buffer[used++] = (byte) (value >> 24);
            buffer[used++] = (byte) (value >> 16);
            buffer[used++] = (byte) (value >> 8);
            buffer[used++] = (byte) value;
        }

        private void room(int bytes) {
            if (used + bytes > buffer.length) {
                sha.update(buffer, 0, used);
                used = 0;
            }
        }

        byte[] digest() {
            sha.update(buffer, 0, used);
            used = 0;
            return sha.digest();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Streaming reader with paths, shared with CatalogCache

    /**
     * A problem in a JSON document: the message is a path and what was expected, e.g.
     * {@code $.providers[3].models: expected an object}, never a value. Checked, so that each
     * entry point must turn it into its own exception.
     */
    static final class BadJson extends Exception {
        private static final long serialVersionUID = 1L;

        BadJson(String path, String expected) {
            // No stack trace: this is an answer-validation outcome, not a bug, and it is rethrown.
            super(path + ": " + expected, null, false, false);
        }
    }

    /**
     * A thin layer over {@link JsonParser} that reports every problem as {@link BadJson} with the
     * path of the current position, rendered from Jackson's own parsing context: {@code $},
     * {@code .name} for plain names, {@code ["gpt-5.2"]} for other keys, {@code [3]} for indexes.
     * Paths are built only when something fails, so the happy path allocates nothing for them.
     */
    static final class Cursor implements AutoCloseable {
        private final JsonParser parser;

        Cursor(byte[] json) throws BadJson {
            Objects.requireNonNull(json, "json must not be null");
            try {
                parser = JSON.createParser(json);
            } catch (IOException e) {
                throw new BadJson("$", "expected a JSON document");
            }
        }

        /** Moves to the root, which must be an object. */
        void root() throws BadJson {
            JsonToken token = next();
            if (token == null) {
                throw new BadJson("$", "expected a JSON object, found no content");
            }
            if (token != JsonToken.START_OBJECT) {
                throw fail("expected a JSON object");
            }
        }

        /** After the root object: nothing but whitespace may follow. */
        void end() throws BadJson {
            if (next() != null) {
                throw new BadJson("$", "expected the end of the document after the root object");
            }
        }

        /**
         * Moves to the next field of the current object.
         *
         * @return its name, or null at the end of the object (the cursor is then on END_OBJECT)
         */
        String nextField() throws BadJson {
            JsonToken token = next();
            if (token == JsonToken.END_OBJECT) {
                return null;
            }
            // The parser guarantees a name here for well-formed input; anything else is malformed.
            if (token != JsonToken.FIELD_NAME) {
                throw fail("expected a field name");
            }
            try {
                return parser.currentName();
            } catch (IOException e) {
                throw fail("expected a field name");
            }
        }

        /**
         * Moves to the next element of the current array.
         *
         * @return false at the end of the array
         */
        boolean nextElement() throws BadJson {
            return next() != JsonToken.END_ARRAY;
        }

        /** Tells whether the value just read was JSON null. */
        boolean atNull() {
            return parser.currentToken() == JsonToken.VALUE_NULL;
        }

        boolean atObject() {
            return parser.currentToken() == JsonToken.START_OBJECT;
        }

        void expectObject(String expected) throws BadJson {
            if (next() != JsonToken.START_OBJECT) {
                throw fail(expected);
            }
        }

        void expectArray(String expected) throws BadJson {
            if (next() != JsonToken.START_ARRAY) {
                throw fail(expected);
            }
        }

        /** Moves to a value that must be an object or null; true if it is an object. */
        boolean objectOrNull(String expected) throws BadJson {
            JsonToken token = next();
            if (token == JsonToken.START_OBJECT) {
                return true;
            }
            if (token == JsonToken.VALUE_NULL) {
                return false;
            }
            throw fail(expected);
        }

        /** Moves to a value that must be a string or null. */
        String stringOrNull() throws BadJson {
            next();
            return currentString();
        }

        /** The current value, which must be a string or null. */
        String currentString() throws BadJson {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_STRING) {
                throw fail("expected a string");
            }
            try {
                return parser.getText();
            } catch (IOException e) {
                throw fail("expected a well-formed string");
            }
        }

        /** Moves to a token count: a whole number >= 0; null counts as 0 (unknown). */
        long count() throws BadJson {
            JsonToken token = next();
            try {
                if (token == JsonToken.VALUE_NULL) {
                    return 0;
                }
                if (token == JsonToken.VALUE_NUMBER_INT) {
                    JsonParser.NumberType type = parser.getNumberType();
                    if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                        long value = parser.getLongValue();
                        if (value >= 0) {
                            return value;
                        }
                    }
                } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                    // 128000.0 is still a whole number; some generators write every number as float.
                    BigDecimal value = parser.getDecimalValue();
                    if (value.signum() >= 0 && value.precision() - value.scale() <= 19) {
                        return value.longValueExact();
                    }
                }
            } catch (IOException | ArithmeticException e) {
                // Not a whole number within 64 bits: reported below, without the number.
            }
            throw fail("expected a whole number >= 0");
        }

        /** Moves to a price per million tokens: a number >= 0, or null (unknown). */
        BigDecimal price() throws BadJson {
            JsonToken token = next();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                BigDecimal value;
                try {
                    // Exact decimal from the text, keeping its scale; never through a double.
                    value = parser.getDecimalValue();
                } catch (IOException e) {
                    throw fail("expected a number");
                }
                if (value.signum() < 0) {
                    throw fail("expected a price >= 0");
                }
                BigDecimal plain = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
                if (plain.precision() - plain.scale() > MAX_PRICE_INTEGER_DIGITS || plain.scale() > MAX_PRICE_DECIMALS) {
                    throw fail("expected a price below 10^" + MAX_PRICE_INTEGER_DIGITS + " with at most "
                            + MAX_PRICE_DECIMALS + " decimals");
                }
                return value;
            }
            throw fail("expected a number");
        }

        /** Moves past the next value, whatever it is, without materialising it. */
        void skipValue() throws BadJson {
            next();
            try {
                parser.skipChildren();
            } catch (JsonEOFException e) {
                throw fail("unexpected end of input, expected the rest of the JSON document");
            } catch (IOException e) {
                throw fail("expected well-formed JSON");
            }
        }

        /** A problem at the current position. */
        BadJson fail(String expected) {
            return new BadJson(path(), expected);
        }

        /** A problem at a place below the current position, e.g. a missing {@code .models}. */
        BadJson failAt(String suffix, String expected) {
            return new BadJson(path() + suffix, expected);
        }

        private JsonToken next() throws BadJson {
            try {
                return parser.nextToken();
            } catch (JsonEOFException e) {
                throw fail("unexpected end of input, expected the rest of the JSON document");
            } catch (StreamConstraintsException e) {
                throw fail("expected JSON within the parser's limits (nesting depth, number and text length)");
            } catch (IOException e) {
                // Jackson's message would quote the offending text: never passed on.
                throw fail("expected well-formed JSON");
            }
        }

        /** Renders the current position from Jackson's parsing context. */
        String path() {
            JsonStreamContext context = parser.getParsingContext();
            JsonToken token = parser.currentToken();
            // On a START token the context is already the new container: the value's place is its parent's.
            if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && context.getParent() != null) {
                context = context.getParent();
            }
            List<String> segments = new ArrayList<>();
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inArray()) {
                    segments.add(c.hasCurrentIndex() ? "[" + c.getCurrentIndex() + "]" : "");
                } else if (c.inObject()) {
                    segments.add(c.hasCurrentName() ? member(c.getCurrentName()) : "");
                }
            }
            StringBuilder path = new StringBuilder("$");
            for (int i = segments.size() - 1; i >= 0; i--) {
                path.append(segments.get(i));
            }
            return path.toString();
        }

        /** Renders one member: {@code .name} for plain names, {@code ["key"]} for anything else. */
        static String member(String name) {
            boolean plain = !name.isEmpty() && name.length() <= MAX_KEY_IN_PATH;
            for (int i = 0; plain && i < name.length(); i++) {
                char c = name.charAt(i);
                plain = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            }
            if (plain) {
                return "." + name;
            }
            StringBuilder out = new StringBuilder(name.length() + 4).append("[\"");
            int end = Math.min(name.length(), MAX_KEY_IN_PATH);
            for (int i = 0; i < end; i++) {
                char c = name.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (Character.isISOControl(c)) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            if (end < name.length()) {
                out.append("...");
            }
            return out.append("\"]").toString();
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                // Closing a parser over a byte array releases buffers only; nothing to report.
            }
        }
    }
}
