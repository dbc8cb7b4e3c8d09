package dev.otto.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigProblem.Severity;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Parses and validates {@code config.jsonc}: JSONC syntax (comments, trailing commas, UTF-8 BOM),
 * the {@code modelManagement} schema, and the line and column of every element, so that an
 * operator gets one precise finding per mistake.
 *
 * <p>One streaming pass builds a small tree that remembers where each element starts (Jackson's own
 * tree keeps no locations); the schema checks then walk that tree. Size, nesting and string length
 * are limited on the way, so hostile input costs bounded memory and stack and ends in one problem
 * rather than an exception. Rule texts never quote a value from the file, since a field may hold a
 * secret: they name the path and the expected form only.
 *
 * <p>Stateless and thread-safe.
 */
final class ConfigParser {

    /** Largest accepted file, in bytes; a larger file is one error. */
    static final int MAX_BYTES = 1024 * 1024;
    /** Deepest accepted nesting of objects and arrays; deeper is one error. */
    static final int MAX_DEPTH = 64;
    /** Longest accepted string or key, in characters; longer is one error. */
    static final int MAX_STRING = 64 * 1024;
    /** Longest accepted fallback chain. */
    static final int MAX_CHAIN = 16;

    static final String UNKNOWN_KEY = "unknown key; expected one of: ";
    static final String DUPLICATE_KEY = "duplicate key";
    static final String NOT_AN_OBJECT = "must be an object";
    static final String DOCUMENT_NOT_AN_OBJECT = "the document must be a JSON object";
    static final String MODEL_REF = "must be a model reference provider/model, e.g. openai/gpt-5.2";
    static final String MODEL_REF_OR_NULL = MODEL_REF + ", or null";
    static final String CHAIN_NOT_AN_ARRAY = "must be an array of model references";
    static final String CHAIN_TOO_LONG = "must be an array of at most " + MAX_CHAIN + " model references";
    static final String URL = "must be an http or https URL with a host, e.g. http://127.0.0.1:4096";
    static final String URL_CREDENTIALS =
            "must not contain credentials; give the server password through OPENCODE_SERVER_PASSWORD";
    static final String DURATION = "must be an ISO-8601 duration such as PT30S, between %s and %s";
    static final String TOTAL_BELOW_CONNECT = "must not be shorter than connectTimeout";
    static final String RESPONSE_BYTES = "must be a whole number of bytes between 1024 and 1073741824";
    static final String ATTEMPT_BUDGET = "must be a whole number between 1 and 20";
    static final String PROVIDER_ID = "is not a provider id: no '/', whitespace or control characters";
    static final String ROUTE_TYPE = "must be \"subscription\" or \"api_key\"";
    static final String TOO_LARGE = "the file must be at most " + MAX_BYTES + " bytes (1 MiB)";
    static final String TOO_DEEP = "nesting must be at most " + MAX_DEPTH + " levels deep";
    static final String TOO_LONG = "strings and keys must be at most " + MAX_STRING + " characters long";
    static final String NOT_UTF8 = "invalid JSONC: the file is not valid UTF-8";
    static final String TRAILING_CONTENT = "invalid JSONC: unexpected content after the document";
    static final String REJECTED = "was rejected when applied; check each field against its documented form";
    static final String NO_DOCUMENT = "holds no settings (it is empty, or only whitespace and comments: a save "
            + "cut short?); write {} for the built-in defaults, or delete the file";

    static final Duration REFRESH_MIN = Duration.ofMinutes(1);
    static final Duration REFRESH_MAX = Duration.ofDays(30);
    static final Duration CONNECT_MIN = Duration.ofMillis(100);
    static final Duration CONNECT_MAX = Duration.ofMinutes(5);
    static final Duration TOTAL_MIN = Duration.ofSeconds(1);
    static final Duration TOTAL_MAX = Duration.ofMinutes(30);
    static final Duration DEADLINE_MIN = Duration.ofSeconds(1);
    static final Duration DEADLINE_MAX = Duration.ofHours(24);
    static final Duration TIMEOUT_MIN = Duration.ofMillis(100);
    static final Duration COOLDOWN_MIN = Duration.ofSeconds(1);
    static final String LONGER_THAN = "must not be longer than %s (%s)";

    private static final String ROOT = "$";
    private static final List<String> TOP_KEYS = List.of("modelManagement");
    private static final List<String> SECTION_KEYS = List.of("flowDefaults", "catalog", "routing");
    private static final List<String> FLOW_KEYS = Stream.of(Flow.values()).map(Flow::wireName).toList();
    private static final List<String> CATALOG_KEYS =
            List.of("opencodeUrl", "refreshInterval", "connectTimeout", "totalTimeout", "maxResponseBytes");
    private static final List<String> ROUTING_KEYS =
            List.of("fallbackChain", "taskPolicies", "attemptBudget", "runDeadline", "firstTokenTimeout", "stallTimeout",
                    "attemptTimeout", "cooldownMax", "routeTypes");
    private static final List<String> TASK_KEYS = Stream.of(TaskType.values()).map(TaskType::wireName).toList();

    /*
     * Our own checks of depth and string length run first and give the clear messages; Jackson's
     * constraints are only a backstop set just above them (its default name limit, 50,000, would
     * otherwise fire before ours). Canonicalizing names is off: there is nothing to share between
     * parses, and its hash-collision guard would throw outside our control.
     */
    private static final JsonFactory JSON = new JsonFactoryBuilder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .maxStringLength(MAX_BYTES)
                    .maxNameLength(MAX_BYTES)
                    .build())
            .build();

    private static final Pattern UNEXPECTED_CHAR = Pattern.compile(
            "(Unexpected|Illegal) character \\(.*?code (\\d+)\\)\\)[^:]*(?::\\s*(.*))?", Pattern.DOTALL);
    private static final Pattern CLOSE_MARKER = Pattern.compile("Unexpected close marker '(.)'.*", Pattern.DOTALL);
    private static final Pattern SAFE_TEXT = Pattern.compile("[A-Za-z0-9 ,-]+");

    /**
     * Parses and validates one version of the config file.
     *
     * <p>Never throws for bad content: every problem is a {@link ConfigProblem}, in document order.
     * A syntax error or an exceeded limit ends parsing with that one problem; schema problems are
     * all collected. A file without a document (empty, or only whitespace and comments) is an
     * error ({@link #NO_DOCUMENT}): it is far more often a save cut short than a wish for the
     * defaults, which {@code {}} says on purpose.
     *
     * @param file the file the content came from, carried into the result
     * @param content the raw bytes of the file
     * @return the check: the effective config when there is no error, otherwise the problems only
     */
    ConfigCheck parse(Path file, byte[] content) {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(content, "content must not be null");
        List<ConfigProblem> problems = new ArrayList<>();
        ModelManagementConfig config;
        try {
            if (content.length > MAX_BYTES) {
                throw new Fatal(problem(Severity.ERROR, ROOT, 0, 0, TOO_LARGE));
            }
            Node root = read(decode(content), problems);
            if (root == null) {
                throw new Fatal(problem(Severity.ERROR, ROOT, 0, 0, NO_DOCUMENT)); // about the whole file
            }
            config = new Schema(problems).config(root);
        } catch (Fatal fatal) {
            return new ConfigCheck(file, null, List.of(fatal.problem));
        }
        // Checks run section by section; a stable sort by location restores document order.
        problems.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        boolean hasError = problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
        return new ConfigCheck(file, hasError ? null : config, problems);
    }

    // ---------------------------------------------------------------- reading

    /**
     * Decodes strict UTF-8 and drops a leading BOM. Decoding ourselves (rather than handing Jackson
     * bytes) makes columns count characters, not bytes, and gives invalid UTF-8 a clear message.
     */
    private static char[] decode(byte[] content) throws Fatal {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(content.length); // UTF-8 never yields more chars than bytes
        CoderResult result = decoder.decode(ByteBuffer.wrap(content), out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        char[] chars = out.array();
        int start = out.position() > 0 && chars[0] == '\uFEFF' ? 1 : 0;
        if (result.isError()) {
            int[] at = position(chars, start, out.position());
            throw new Fatal(problem(Severity.ERROR, ROOT, at[0], at[1], NOT_UTF8));
        }
        return Arrays.copyOfRange(chars, start, out.position());
    }

    /** Returns {line, column}, 1-based, of offset {@code to}, counting CRLF, LF and CR as Jackson does. */
    private static int[] position(char[] text, int from, int to) {
        int line = 1;
        int lineStart = from;
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 == to || text[i + 1] != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, to - lineStart + 1};
    }

    /**
     * Streams the text into a tree of {@link Node}s.
     *
     * @return the root, or null when the text holds no value (empty, or only comments)
     */
    private static Node read(char[] text, List<ConfigProblem> problems) throws Fatal {
        try (JsonParser parser = JSON.createParser(text)) {
            return new TreeBuilder(parser, problems).build();
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    /**
     * Builds the tree iteratively, so nesting cannot exhaust the stack. A duplicate key is reported
     * here (its value is parsed but kept out of the tree); all other findings of this pass are fatal.
     */
    private static final class TreeBuilder {
        private final JsonParser parser;
        private final List<ConfigProblem> problems;
        private final Deque<Node> open = new ArrayDeque<>();
        private String key; // the last key read, and where it starts
        private int keyLine;
        private int keyColumn;
        private boolean duplicate; // the last key repeats one of its object's keys
        private String reached = ROOT; // the path of the last element started, for syntax errors

        TreeBuilder(JsonParser parser, List<ConfigProblem> problems) {
            this.parser = parser;
            this.problems = problems;
        }

        Node build() throws Fatal, IOException {
            try {
                Node root = null;
                for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                    if (token == JsonToken.FIELD_NAME) {
                        key();
                    } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                        open.pop();
                    } else {
                        Node node = value(token);
                        root = root == null ? node : root;
                    }
                    if (root != null && open.isEmpty()) { // complete: only comments and whitespace may follow
                        if (parser.nextToken() != null) {
                            throw fatal(ROOT, parser.currentTokenLocation(), TRAILING_CONTENT);
                        }
                        return root;
                    }
                }
                return root;
            } catch (JsonProcessingException e) {
                if (EndOfInput.is(e.getOriginalMessage())) {
                    throw endOfInput(EndOfInput.where(e.getOriginalMessage()), e.getLocation());
                }
                throw fatal(errorPath(), e.getLocation(), syntaxRule(e.getOriginalMessage()));
            }
        }

        /**
         * Blames what the early end left open: the string, number or key being read, a member
         * whose value never came, else the innermost object or array (a trailing comma or a
         * missing brace at the end belongs to it, not to its last member).
         */
        private Fatal endOfInput(EndOfInput.Where where, JsonLocation at) {
            Node container = open.peek();
            JsonStreamContext context = parser.getParsingContext();
            String name = container != null && container.members != null && context.inObject()
                    ? context.getCurrentName() : null;
            String containerPath = container == null ? ROOT : container.path;
            if (where == EndOfInput.Where.STRING && container != null && container.members != null && name == null) {
                where = EndOfInput.Where.KEY; // an escape cut short inside a key
            }
            switch (where) {
                case STRING, NUMBER:
                    String value = container == null ? ROOT
                            : name != null ? child(containerPath, name)
                            : container.items != null ? index(containerPath, context.getCurrentIndex()) : containerPath;
                    return fatal(value, at, EndOfInput.inside(where));
                case KEY, COMMENT:
                    return fatal(containerPath, at, EndOfInput.inside(where));
                default:
                    if (name != null && !container.members.containsKey(name)) {
                        return fatal(child(containerPath, name), at, EndOfInput.missingValue());
                    }
                    return container == null ? fatal(ROOT, at, EndOfInput.inside(where))
                            : fatal(containerPath, at, EndOfInput.notClosed(container.items != null, container.line,
                                    container.column));
            }
        }

        private void key() throws IOException, Fatal {
            Node object = open.element();
            JsonLocation at = parser.currentTokenLocation();
            key = parser.currentName();
            keyLine = line(at);
            keyColumn = column(at);
            if (key.length() > MAX_STRING) { // reported at the object: the path would hold the whole key
                throw fatal(object.path, at, TOO_LONG);
            }
            reached = child(object.path, key);
            duplicate = object.members.containsKey(key);
            if (duplicate) {
                problems.add(problem(Severity.ERROR, reached, keyLine, keyColumn, DUPLICATE_KEY));
            }
        }

        private Node value(JsonToken token) throws IOException, Fatal {
            Node parent = open.peek();
            JsonLocation at = parser.currentTokenLocation();
            reached = parent == null ? ROOT
                    : parent.members != null ? child(parent.path, key)
                    : index(parent.path, parent.items.size());
            Node node = new Node(token, reached, line(at), column(at));
            if (token == JsonToken.VALUE_STRING) {
                node.text = parser.getText();
                if (node.text.length() > MAX_STRING) {
                    throw fatal(reached, at, TOO_LONG);
                }
            } else if (token == JsonToken.VALUE_NUMBER_INT) {
                node.integer = parser.getBigIntegerValue();
            }
            if (parent != null && parent.members == null) {
                parent.items.add(node);
            } else if (parent != null && !duplicate) {
                parent.members.put(key, new Member(keyLine, keyColumn, node));
            }
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                if (open.size() == MAX_DEPTH) {
                    throw fatal(reached, at, TOO_DEEP);
                }
                open.push(node);
            }
            return node;
        }

        /**
         * Returns the path to blame for a syntax error. Jackson reads the start of a member's value
         * together with its key, so an error there comes before we see the key; Jackson's parsing
         * context knows it already.
         */
        private String errorPath() {
            JsonStreamContext context = parser.getParsingContext();
            Node object = open.peek();
            if (object != null && object.members != null && context.inObject() && context.getCurrentName() != null) {
                return child(object.path, context.getCurrentName());
            }
            return reached;
        }

        private static Fatal fatal(String path, JsonLocation at, String rule) {
            return new Fatal(problem(Severity.ERROR, path, line(at), column(at), rule));
        }
    }

    /**
     * Rephrases a Jackson message without anything taken from the file, except a single offending
     * punctuation character (Jackson would quote whole unquoted tokens, which may be secrets).
     */
    static String syntaxRule(String message) {
        String m = message == null ? "" : message;
        String what;
        Matcher unexpected = UNEXPECTED_CHAR.matcher(m);
        Matcher close = CLOSE_MARKER.matcher(m);
        if (unexpected.matches()) {
            what = "unexpected character " + describeChar(Integer.parseInt(unexpected.group(2)));
            String expected = unexpected.group(3);
            if (unexpected.group(1).equals("Unexpected") && expected != null) {
                // Jackson's own hint, minus its parenthesised lists; kept only if plainly fixed text.
                expected = expected.replaceFirst("^was expecting", "expected")
                        .replaceAll("\\s*\\([^)]*\\)", "")
                        .strip();
                if (SAFE_TEXT.matcher(expected).matches()) {
                    what += ", " + expected;
                }
            }
        } else if (close.matches()) {
            what = "unexpected character " + describeChar(close.group(1).charAt(0));
        } else if (m.startsWith("Unexpected end-of-input")) {
            what = "unexpected end of input" + (m.contains("comment") ? " in a comment"
                    : m.contains("string value") ? " in a string"
                    : m.contains("field name") ? " in a key"
                    : m.contains("for Array") ? ", expected ']'"
                    : m.contains("for Object") ? ", expected '}'" : "");
        } else if (m.startsWith("Unrecognized token")) {
            what = "unrecognized token, expected a string, number, object, array, true, false or null";
        } else if (m.startsWith("Illegal unquoted character")) {
            what = "control characters in strings must be escaped";
        } else if (m.startsWith("Unrecognized character escape")) {
            what = "invalid escape sequence in a string";
        } else if (m.contains("numeric value") || m.startsWith("Non-standard token")
                || m.startsWith("Number value length")) {
            what = "invalid number";
        } else {
            what = "syntax error";
        }
        return "invalid JSONC: " + what;
    }

    private static String describeChar(int c) {
        return c > ' ' && c < 0x7F ? "'" + (char) c + "'" : String.format(Locale.ROOT, "U+%04X", c);
    }

    private static int line(JsonLocation at) {
        return at == null ? 0 : Math.max(0, at.getLineNr());
    }

    private static int column(JsonLocation at) {
        return at == null ? 0 : Math.max(0, at.getColumnNr());
    }

    /** The path of a member: dotted when the key is a plain name, else {@code ["key"]}, escaped. */
    static String child(String parent, String key) {
        boolean plain = !key.isEmpty() && key.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_' || c == '-');
        if (plain) {
            return parent.equals(ROOT) ? key : parent + "." + key;
        }
        StringBuilder out = new StringBuilder(parent.equals(ROOT) ? "" : parent).append("[\"");
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c)); // keep a logged finding on one line
            } else {
                out.append(c);
            }
        }
        return out.append("\"]").toString();
    }

    private static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    private static ConfigProblem problem(Severity severity, String path, int line, int column, String rule) {
        return new ConfigProblem(severity, path, line, column, rule);
    }

    // ---------------------------------------------------------------- the tree

    /** One JSON value and where it starts; objects keep members in document order. */
    private static final class Node {
        final JsonToken kind;
        final String path;
        final int line;
        final int column;
        final Map<String, Member> members;
        final List<Node> items;
        String text;
        BigInteger integer;

        Node(JsonToken kind, String path, int line, int column) {
            this.kind = kind;
            this.path = path;
            this.line = line;
            this.column = column;
            this.members = kind == JsonToken.START_OBJECT ? new LinkedHashMap<>() : null;
            this.items = kind == JsonToken.START_ARRAY ? new ArrayList<>() : null;
        }

        boolean isString() {
            return kind == JsonToken.VALUE_STRING;
        }
    }

    /** A member of an object: where its key starts, and its value. */
    private record Member(int keyLine, int keyColumn, Node value) {
    }

    /** Ends parsing with one problem; internal control flow, no stack trace. */
    private static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ConfigProblem problem;

        Fatal(ConfigProblem problem) {
            super(problem.rule(), null, false, false);
            this.problem = problem;
        }
    }

    // ---------------------------------------------------------------- the schema

    /** Checks the tree against the schema and builds the records; one instance per parse. */
    private static final class Schema {
        private final List<ConfigProblem> problems;

        Schema(List<ConfigProblem> problems) {
            this.problems = problems;
        }

        /** @return the effective config, or null when an error was found (here or while reading) */
        ModelManagementConfig config(Node root) {
            Map<String, Member> top = Map.of();
            if (root != null && root.members == null) {
                error(root, DOCUMENT_NOT_AN_OBJECT);
            } else if (root != null) {
                top = object(root, TOP_KEYS);
            }
            Node section = value(top, "modelManagement");
            Map<String, Member> sections = object(section, SECTION_KEYS);
            String base = section == null ? "modelManagement" : section.path;
            FlowDefaults flows = flowDefaults(value(sections, "flowDefaults"), child(base, "flowDefaults"));
            CatalogSettings catalog = catalog(value(sections, "catalog"), child(base, "catalog"));
            RoutingSettings routing = routing(value(sections, "routing"), child(base, "routing"));
            if (errors() > 0) {
                return null;
            }
            if (flows.equals(FlowDefaults.NONE) && catalog.equals(CatalogSettings.DEFAULTS)
                    && routing.equals(RoutingSettings.DEFAULTS)) {
                return ModelManagementConfig.DEFAULTS; // "no settings", however it was written
            }
            return new ModelManagementConfig(versionId(flows, catalog, routing), flows, catalog, routing);
        }

        private FlowDefaults flowDefaults(Node section, String path) {
            int before = errors();
            Map<Flow, ModelRef> defaults = new EnumMap<>(Flow.class);
            object(section, FLOW_KEYS).forEach((key, member) -> {
                if (present(member.value)) {
                    defaults.put(Flow.fromWire(key), modelRef(member.value, MODEL_REF_OR_NULL));
                }
            });
            return errors() > before ? null : build(section, path, () -> new FlowDefaults(defaults));
        }

        private CatalogSettings catalog(Node section, String path) {
            int before = errors();
            CatalogSettings d = CatalogSettings.DEFAULTS;
            Map<String, Member> m = object(section, CATALOG_KEYS);
            Node url = value(m, "opencodeUrl");
            Node total = value(m, "totalTimeout");
            URI opencodeUrl = present(url) ? url(url) : d.opencodeUrl();
            Duration refresh = duration(value(m, "refreshInterval"), REFRESH_MIN, REFRESH_MAX, d.refreshInterval());
            Duration connect = duration(value(m, "connectTimeout"), CONNECT_MIN, CONNECT_MAX, d.connectTimeout());
            Duration totalTimeout = duration(total, TOTAL_MIN, TOTAL_MAX, d.totalTimeout());
            Long maxBytes = whole(value(m, "maxResponseBytes"), 1024, 1L << 30, RESPONSE_BYTES, d.maxResponseBytes());
            if (connect != null && totalTimeout != null && totalTimeout.compareTo(connect) < 0) {
                // Reported at totalTimeout even when only connectTimeout was written.
                if (present(total)) {
                    error(total, TOTAL_BELOW_CONNECT);
                } else {
                    problems.add(problem(Severity.ERROR, child(path, "totalTimeout"),
                            section.line, section.column, TOTAL_BELOW_CONNECT));
                }
            }
            return errors() > before ? null : build(section, path,
                    () -> new CatalogSettings(opencodeUrl, refresh, connect, totalTimeout, maxBytes));
        }

        private RoutingSettings routing(Node section, String path) {
            int before = errors();
            RoutingSettings d = RoutingSettings.DEFAULTS;
            Map<String, Member> m = object(section, ROUTING_KEYS);
            List<ModelRef> chain = fallbackChain(value(m, "fallbackChain"));
            Map<TaskType, ModelRef> policies = new EnumMap<>(TaskType.class);
            object(value(m, "taskPolicies"), TASK_KEYS).forEach((key, member) -> {
                if (present(member.value)) {
                    policies.put(TaskType.fromWire(key), modelRef(member.value, MODEL_REF_OR_NULL));
                }
            });
            Long budget = whole(value(m, "attemptBudget"), 1, 20, ATTEMPT_BUDGET, d.attemptBudget());
            Node runNode = value(m, "runDeadline");
            Node attemptNode = value(m, "attemptTimeout");
            Duration deadline = duration(runNode, DEADLINE_MIN, DEADLINE_MAX, d.runDeadline());
            Duration attempt = duration(attemptNode, TIMEOUT_MIN, DEADLINE_MAX, d.attemptTimeout());
            Duration firstToken = duration(value(m, "firstTokenTimeout"), TIMEOUT_MIN, DEADLINE_MAX, d.firstTokenTimeout());
            Duration stall = duration(value(m, "stallTimeout"), TIMEOUT_MIN, DEADLINE_MAX, d.stallTimeout());
            Duration cooldownMax = duration(value(m, "cooldownMax"), COOLDOWN_MIN, DEADLINE_MAX, d.cooldownMax());
            // every limit sits inside the next one; only values written in the file are held to it
            // (a default larger than a written limit is simply cut to it by the router)
            notLonger(value(m, "firstTokenTimeout"), firstToken, attemptNode, attempt, "attemptTimeout");
            notLonger(value(m, "stallTimeout"), stall, attemptNode, attempt, "attemptTimeout");
            notLonger(attemptNode, attempt, runNode, deadline, "runDeadline");
            Map<String, RouteType> routeTypes = new TreeMap<>();
            object(value(m, "routeTypes"), null).forEach((provider, member) -> {
                if (!ModelRef.isValidProviderId(provider)) {
                    problems.add(problem(Severity.ERROR, member.value.path, member.keyLine, member.keyColumn,
                            PROVIDER_ID));
                } else if (present(member.value)) {
                    Node type = member.value;
                    if (type.isString() && (type.text.equals("subscription") || type.text.equals("api_key"))) {
                        routeTypes.put(provider, RouteType.fromWire(type.text));
                    } else {
                        error(type, ROUTE_TYPE);
                    }
                }
            });
            return errors() > before ? null : build(section, path,
                    () -> new RoutingSettings(chain, policies, budget.intValue(), deadline, routeTypes, firstToken, stall,
                            attempt, cooldownMax));
        }

        private List<ModelRef> fallbackChain(Node node) {
            List<ModelRef> chain = new ArrayList<>();
            if (!present(node)) {
                return chain;
            }
            if (node.items == null) {
                error(node, CHAIN_NOT_AN_ARRAY);
                return chain;
            }
            if (node.items.size() > MAX_CHAIN) {
                error(node, CHAIN_TOO_LONG);
            }
            Map<ModelRef, Integer> firstIndex = new HashMap<>();
            for (int i = 0; i < node.items.size(); i++) {
                Node entry = node.items.get(i);
                ModelRef ref = modelRef(entry, MODEL_REF);
                if (ref != null) {
                    Integer first = firstIndex.putIfAbsent(ref, i);
                    if (first != null) {
                        warning(entry, "repeats fallbackChain[" + first + "]; the router skips repeats");
                    }
                    chain.add(ref);
                }
            }
            return chain;
        }

        /**
         * Returns the members of a section, warning about keys not in {@code accepted} (null: any key)
         * and leaving them out. Absent or null is an empty section; any other non-object is an error.
         */
        private Map<String, Member> object(Node node, List<String> accepted) {
            if (!present(node)) {
                return Map.of();
            }
            if (node.members == null) {
                error(node, NOT_AN_OBJECT);
                return Map.of();
            }
            Map<String, Member> known = new LinkedHashMap<>();
            node.members.forEach((key, member) -> {
                if (accepted == null || accepted.contains(key)) {
                    known.put(key, member);
                } else {
                    problems.add(problem(Severity.WARNING, member.value.path, member.keyLine, member.keyColumn,
                            UNKNOWN_KEY + String.join(", ", accepted)));
                }
            });
            return known;
        }

        private ModelRef modelRef(Node node, String rule) {
            if (node.isString() && ModelRef.isValid(node.text)) {
                return ModelRef.parse(node.text);
            }
            error(node, rule);
            return null;
        }

        private URI url(Node node) {
            if (node.isString()) {
                try {
                    URI uri = new URI(node.text);
                    // Checked before the shape: a URL with user info must never be accepted, and it
                    // gets its own advice (the authority holds it even when no host could be parsed).
                    if (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
                        error(node, URL_CREDENTIALS);
                        return null;
                    }
                    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                    boolean web = scheme.equals("http") || scheme.equals("https");
                    if (uri.isAbsolute() && web && uri.getHost() != null) {
                        return uri;
                    }
                } catch (URISyntaxException e) {
                    // falls through to the rule; the exception's message would quote the value
                }
            }
            error(node, URL);
            return null;
        }

        /** @return the duration, {@code absent} when not given, or null after reporting a problem */
        private Duration duration(Node node, Duration min, Duration max, Duration absent) {
            if (!present(node)) {
                return absent;
            }
            if (node.isString()) {
                try {
                    Duration value = Duration.parse(node.text);
                    if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
                        return value;
                    }
                } catch (DateTimeParseException | ArithmeticException e) {
                    // falls through to the rule
                }
            }
            error(node, String.format(Locale.ROOT, DURATION, min, max));
            return null;
        }

        /** Reports {@code inner} when both it and {@code outer} are written and it is the longer. */
        private void notLonger(Node inner, Duration innerValue, Node outer, Duration outerValue, String outerName) {
            if (present(inner) && present(outer) && innerValue != null && outerValue != null
                    && innerValue.compareTo(outerValue) > 0) {
                error(inner, String.format(Locale.ROOT, LONGER_THAN, outerName, outerValue));
            }
        }

        /** @return the integer, {@code absent} when not given, or null after reporting a problem */
        private Long whole(Node node, long min, long max, String rule, long absent) {
            if (!present(node)) {
                return absent;
            }
            // BigInteger, so that overflowing numbers are rejected rather than wrapped.
            if (node.kind == JsonToken.VALUE_NUMBER_INT
                    && node.integer.compareTo(BigInteger.valueOf(min)) >= 0
                    && node.integer.compareTo(BigInteger.valueOf(max)) <= 0) {
                return node.integer.longValue();
            }
            error(node, rule);
            return null;
        }

        /**
         * Builds a section's record. Our checks are meant to be at least as strict as the record's
         * own; should one still refuse, that is one error at the section, not an exception (and its
         * message is not used: record messages quote values).
         */
        private <T> T build(Node section, String path, Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (IllegalArgumentException e) {
                problems.add(section == null
                        ? problem(Severity.ERROR, path, 0, 0, REJECTED)
                        : problem(Severity.ERROR, section.path, section.line, section.column, REJECTED));
                return null;
            }
        }

        private static Node value(Map<String, Member> members, String key) {
            Member member = members.get(key);
            return member == null ? null : member.value;
        }

        /** Null in the file means the same as absent. */
        private static boolean present(Node node) {
            return node != null && node.kind != JsonToken.VALUE_NULL;
        }

        private int errors() {
            return (int) problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
        }

        private void error(Node node, String rule) {
            problems.add(problem(Severity.ERROR, node.path, node.line, node.column, rule));
        }

        private void warning(Node node, String rule) {
            problems.add(problem(Severity.WARNING, node.path, node.line, node.column, rule));
        }
    }

    // ---------------------------------------------------------------- version id

    /**
     * Returns {@code c} + 12 hex digits of SHA-256 over a canonical text of the effective values:
     * one {@code path=value} line per value in a fixed order. Values cannot contain line breaks
     * (model references, provider ids and URIs exclude control characters), so the text is
     * unambiguous; comments, layout, key order and the spelling of equal durations do not matter.
     */
    static String versionId(FlowDefaults flows, CatalogSettings catalog, RoutingSettings routing) {
        StringBuilder text = new StringBuilder("otto-config/1\n");
        flows.defaults().forEach((flow, ref) -> line(text, "flowDefaults." + flow.wireName(), ref));
        line(text, "catalog.opencodeUrl", catalog.opencodeUrl());
        line(text, "catalog.refreshInterval", catalog.refreshInterval());
        line(text, "catalog.connectTimeout", catalog.connectTimeout());
        line(text, "catalog.totalTimeout", catalog.totalTimeout());
        line(text, "catalog.maxResponseBytes", catalog.maxResponseBytes());
        for (int i = 0; i < routing.fallbackChain().size(); i++) {
            line(text, "routing.fallbackChain[" + i + "]", routing.fallbackChain().get(i));
        }
        routing.taskPolicies().forEach((type, ref) -> line(text, "routing.taskPolicies." + type.wireName(), ref));
        line(text, "routing.attemptBudget", routing.attemptBudget());
        line(text, "routing.runDeadline", routing.runDeadline());
        line(text, "routing.firstTokenTimeout", routing.firstTokenTimeout());
        line(text, "routing.stallTimeout", routing.stallTimeout());
        line(text, "routing.attemptTimeout", routing.attemptTimeout());
        line(text, "routing.cooldownMax", routing.cooldownMax());
        routing.routeTypes().forEach((provider, type) -> line(text, "routing.routeTypes." + provider, type.wireName()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "c" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static void line(StringBuilder text, String path, Object value) {
        text.append(path).append('=').append(value).append('\n');
    }
}
