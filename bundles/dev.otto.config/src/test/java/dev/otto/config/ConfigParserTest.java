package dev.otto.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unit tests of {@link ConfigParser}, asserting exact problem lists (severity, path, line, column,
 * rule). Test files are written with {@code '} for {@code "} (see {@link #parse(String)}), which
 * keeps every column as it is in the file.
 */
class ConfigParserTest {

    private static final Path FILE = Path.of("config.jsonc");
    private static final String MODEL_REF = "must be a model reference provider/model, e.g. openai/gpt-5.2";
    private static final String MODEL_REF_OR_NULL = MODEL_REF + ", or null";
    private static final String URL = "must be an http or https URL with a host, e.g. http://127.0.0.1:4096";
    private static final String CREDENTIALS =
            "must not contain credentials; give the server password through OPENCODE_SERVER_PASSWORD";
    private static final String REFRESH = "must be an ISO-8601 duration such as PT30S, between PT1M and PT720H";
    private static final String CONNECT = "must be an ISO-8601 duration such as PT30S, between PT0.1S and PT5M";
    private static final String TOTAL = "must be an ISO-8601 duration such as PT30S, between PT1S and PT30M";
    private static final String DEADLINE = "must be an ISO-8601 duration such as PT30S, between PT1S and PT24H";
    private static final String TIMEOUT = "must be an ISO-8601 duration such as PT30S, between PT0.1S and PT24H";
    private static final String TOTAL_BELOW_CONNECT = "must not be shorter than connectTimeout";
    private static final String BYTES = "must be a whole number of bytes between 1024 and 1073741824";
    private static final String BUDGET = "must be a whole number between 1 and 20";
    private static final String OBJECT = "must be an object";
    private static final String CHAIN_ARRAY = "must be an array of model references";
    private static final String PROVIDER = "is not a provider id: no '/', whitespace or control characters";
    private static final String ROUTE_TYPE = "must be \"subscription\" or \"api_key\"";
    private static final String TOO_LONG = "strings and keys must be at most 65536 characters long";
    private static final String NOT_UTF8 = "invalid JSONC: the file is not valid UTF-8";
    private static final String UNKNOWN = "unknown key; expected one of: ";
    private static final String UNKNOWN_TOP = UNKNOWN + "modelManagement";
    private static final String UNKNOWN_SECTION = UNKNOWN + "flowDefaults, catalog, routing";
    private static final String UNKNOWN_FLOW =
            UNKNOWN + "interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures";
    private static final String UNKNOWN_ROUTING =
            UNKNOWN + "fallbackChain, taskPolicies, attemptBudget, runDeadline, firstTokenTimeout, stallTimeout, attemptTimeout, cooldownMax, routeTypes";

    private final ConfigParser parser = new ConfigParser();

    /** Parses {@code text} with every {@code '} turned into {@code "}. */
    private ConfigCheck parse(String text) {
        return parseRaw(text.replace('\'', '"'));
    }

    private ConfigCheck parseRaw(String text) {
        return parser.parse(FILE, text.getBytes(UTF_8));
    }

    private static String lines(String... lines) {
        return String.join("\n", lines);
    }

    private static ConfigProblem error(String path, int line, int column, String rule) {
        return new ConfigProblem(Severity.ERROR, path, line, column, rule);
    }

    private static ConfigProblem warning(String path, int line, int column, String rule) {
        return new ConfigProblem(Severity.WARNING, path, line, column, rule);
    }

    private static void assertRejected(ConfigCheck check, ConfigProblem... problems) {
        assertThat(check.problems()).containsExactly(problems);
        assertThat(check.valid()).isFalse();
    }

    private static ModelRef ref(String text) {
        return ModelRef.parse(text);
    }

    @Nested
    class Jsonc {

        @Test
        void acceptsCommentsTrailingCommasAndNonAscii() {
            ConfigCheck check = parse(lines(
                    "// Otto — configuration, ünïcödé in a line comment",
                    "{",
                    "  /* a block comment",
                    "     over two lines */ 'modelManagement': {",
                    "    'flowDefaults': { 'heartbeat': 'örg/módel-ü', }, // trailing comma in an object",
                    "    'routing': { 'fallbackChain': ['openai/gpt-5.2', 'openai-codex/gpt-5.3-codex',], },",
                    "  },",
                    "}",
                    "/* and a comment at the end */"));

            assertThat(check.problems()).isEmpty();
            assertThat(check.config().flowDefaults().defaults())
                    .containsExactly(Map.entry(Flow.HEARTBEAT, ref("örg/módel-ü")));
            assertThat(check.config().routing().fallbackChain())
                    .containsExactly(ref("openai/gpt-5.2"), ref("openai-codex/gpt-5.3-codex"));
        }

        @Test
        void acceptsBomAndCountsColumnsAfterIt() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            bytes.writeBytes("{\"x\": 1}".getBytes(UTF_8));

            ConfigCheck check = parser.parse(FILE, bytes.toByteArray());

            assertThat(check.problems()).containsExactly(warning("x", 1, 2, UNKNOWN_TOP));
            assertThat(check.config()).isEqualTo(ModelManagementConfig.DEFAULTS);
        }

        @Test
        void countsLinesRightWithCrlf() {
            String[] lines = {
                "{",
                "  // a comment",
                "  /* a block",
                "     comment */",
                "  'modelManagement': {",
                "    'routing': { 'attemptBudget': 0 },",
                "    'other': 1",
                "  }",
                "}"};
            List<ConfigProblem> expected = List.of(
                    error("modelManagement.routing.attemptBudget", 6, 35, BUDGET),
                    warning("modelManagement.other", 7, 5, UNKNOWN_SECTION));

            assertThat(parse(String.join("\r\n", lines)).problems()).isEqualTo(expected);
            assertThat(parse(String.join("\n", lines)).problems()).isEqualTo(expected);
        }

        @Test
        void countsColumnsInCharactersNotBytes() {
            ConfigCheck check = parse("{'modelManagement': {'flowDefaults': {'heartbeat': 'ünï/çödé', 'x': 1}}}");

            assertThat(check.problems()).containsExactly(warning("modelManagement.flowDefaults.x", 1, 64, UNKNOWN_FLOW));
        }
    }

    @Nested
    class ValidFiles {

        @Test
        void parsesTheArchitectureExample() {
            ConfigCheck check = parseRaw("""
                    {
                      "modelManagement": {
                        "flowDefaults": {
                          "interactiveAssistant": "openai/gpt-5.2",
                          "scheduledTasks": null,          // null or absent: fall through to the global default
                          "heartbeat": "openai/gpt-5.4-mini",
                          "watchdogFailures": null
                        },
                        "catalog": { "opencodeUrl": "http://127.0.0.1:4096", "refreshInterval": "PT24H" },
                        "routing": {
                          "fallbackChain": ["openai-codex/gpt-5.3-codex", "openai/gpt-5.2", "openai/gpt-5o"],
                          "taskPolicies": { "coding": "openai-codex/gpt-5.3-codex" },
                          "attemptBudget": 3,
                          "runDeadline": "PT10M",
                          "routeTypes": { "openai-codex": "subscription" }
                        }
                      }
                    }
                    """);

            assertThat(check.problems()).isEmpty();
            ModelManagementConfig config = check.config();
            assertThat(config.versionId()).matches("c[0-9a-f]{12}");
            assertThat(config.flowDefaults()).isEqualTo(new FlowDefaults(Map.of(
                    Flow.INTERACTIVE_ASSISTANT, ref("openai/gpt-5.2"), Flow.HEARTBEAT, ref("openai/gpt-5.4-mini"))));
            assertThat(config.catalog()).isEqualTo(CatalogSettings.DEFAULTS);
            assertThat(config.routing()).isEqualTo(new RoutingSettings(
                    List.of(ref("openai-codex/gpt-5.3-codex"), ref("openai/gpt-5.2"), ref("openai/gpt-5o")),
                    Map.of(TaskType.CODING, ref("openai-codex/gpt-5.3-codex")),
                    3, Duration.ofMinutes(10), Map.of("openai-codex", RouteType.SUBSCRIPTION)));
            assertThat(config.routing().attemptTimeout()).isEqualTo(RoutingSettings.DEFAULT_ATTEMPT_TIMEOUT);
        }

        @Test
        void parsesEveryCatalogFieldAtItsLimits() {
            ConfigCheck check = parse("""
                    {'modelManagement': {'catalog': {'opencodeUrl': 'https://opencode.example:8443/base',
                      'refreshInterval': 'PT1M', 'connectTimeout': 'PT0.1S', 'totalTimeout': 'PT30M',
                      'maxResponseBytes': 1073741824}}}
                    """);

            assertThat(check.problems()).isEmpty();
            assertThat(check.config().catalog()).isEqualTo(new CatalogSettings(
                    URI.create("https://opencode.example:8443/base"),
                    Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofMinutes(30), 1L << 30));
        }

        @ParameterizedTest
        @ValueSource(strings = {"{}", "// all defaults, on purpose\n{}", "{'modelManagement': null}", "{'modelManagement': {}}",
            "{'modelManagement': {'flowDefaults': null, 'catalog': {}, 'routing': {'fallbackChain': null}}}",
            "{'modelManagement': {'catalog': {'refreshInterval': 'P1D', 'maxResponseBytes': 67108864}}}"})
        void noSettingsMeansTheDefaults(String text) {
            ConfigCheck check = parse(text);

            assertThat(check.problems()).isEmpty();
            assertThat(check.config()).isSameAs(ModelManagementConfig.DEFAULTS);
        }

        @Test
        void nullFlowDefaultIsAbsent() {
            ConfigCheck withNull = parse("{'modelManagement': {'flowDefaults': {'heartbeat': 'a/b', 'scheduledTasks': null}}}");
            ConfigCheck without = parse("{'modelManagement': {'flowDefaults': {'heartbeat': 'a/b'}}}");

            assertThat(withNull.problems()).isEmpty();
            assertThat(withNull.config().flowDefaults().forFlow(Flow.SCHEDULED_TASKS)).isEmpty();
            assertThat(withNull.config()).isEqualTo(without.config());
        }

        @Test
        void keepsRepeatedChainEntriesWithAWarning() {
            ConfigCheck check = parse("{'modelManagement': {'routing': {'fallbackChain': ['a/b', 'c/d', 'a/b']}}}");

            assertThat(check.problems()).containsExactly(warning("modelManagement.routing.fallbackChain[2]", 1, 66,
                    "repeats fallbackChain[0]; the router skips repeats"));
            assertThat(check.config().routing().fallbackChain()).containsExactly(ref("a/b"), ref("c/d"), ref("a/b"));
        }

        @Test
        void warnsAboutUnknownKeysEverywhereAndStillApplies() {
            ConfigCheck check = parse(lines(
                    "{'theme': 'dark',",
                    " 'modelManagement': {'extra': 1,",
                    "  'flowDefaults': {'nightly': 'a/b'},",
                    "  'catalog': {'url': 'x'},",
                    "  'routing': {'retries': 2, 'taskPolicies': {'review': 'a/b', 'coding': 'c/d'}}}}"));

            assertThat(check.problems()).containsExactly(
                    warning("theme", 1, 2, UNKNOWN_TOP),
                    warning("modelManagement.extra", 2, 22, UNKNOWN_SECTION),
                    warning("modelManagement.flowDefaults.nightly", 3, 20, UNKNOWN_FLOW),
                    warning("modelManagement.catalog.url", 4, 15,
                            UNKNOWN + "opencodeUrl, refreshInterval, connectTimeout, totalTimeout, maxResponseBytes"),
                    warning("modelManagement.routing.retries", 5, 15, UNKNOWN_ROUTING),
                    warning("modelManagement.routing.taskPolicies.review", 5, 46,
                            UNKNOWN + "coding, orchestration, analysis, general"));
            assertThat(check.valid()).isTrue();
            assertThat(check.config().routing().taskPolicies()).containsExactly(Map.entry(TaskType.CODING, ref("c/d")));
        }
    }

    @Nested
    class VersionId {

        private static final String BASE = "{'modelManagement': {'routing': {'fallbackChain': ['a/b'], 'runDeadline': 'PT1H'},"
                + " 'flowDefaults': {'heartbeat': 'x/y', 'scheduledTasks': null}}}";

        @Test
        void sameEffectiveValuesShareTheVersionId() {
            String rewritten = lines(
                    "// same values, other layout",
                    "{ 'modelManagement': {",
                    "    'flowDefaults': { 'heartbeat': 'x/y' },   /* no scheduledTasks */",
                    "    'routing': {",
                    "      'runDeadline': 'PT60M',",
                    "      'fallbackChain': [ 'a/b', ],",
                    "    },",
                    "} }");

            assertThat(parse(rewritten).config().versionId()).isEqualTo(parse(BASE).config().versionId());
        }

        @ParameterizedTest
        @ValueSource(strings = {"'a/b'] -> 'a/c']", "PT1H -> PT2H", "'x/y' -> 'x/z'",
            "'scheduledTasks': null -> 'scheduledTasks': 'x/y'"})
        void anyChangedValueChangesTheVersionId(String change) {
            String[] fromTo = change.split(" -> ");
            String changed = BASE.replace(fromTo[0], fromTo[1]);
            assertThat(changed).isNotEqualTo(BASE);

            assertThat(parse(changed).config().versionId()).isNotEqualTo(parse(BASE).config().versionId());
        }
    }

    @Nested
    class Rules {

        /**
         * Puts {@code 'key': raw} on line 3 of {@code modelManagement.<section>}, indented by 4, so
         * that the value starts at column {@code key.length() + 9}.
         */
        private static String field(String section, String key, String raw) {
            return lines("{'modelManagement': {", "  '" + section + "': {", "    '" + key + "': " + raw, "}}}");
        }

        static Stream<Arguments> violations() {
            return Stream.of(
                    // section, key, raw value, path after the key, column of the problem within raw, rule
                    Arguments.of("flowDefaults", "heartbeat", "'gpt-5.2'", "", 0, MODEL_REF_OR_NULL),
                    Arguments.of("flowDefaults", "heartbeat", "' openai/gpt-5.2'", "", 0, MODEL_REF_OR_NULL),
                    Arguments.of("flowDefaults", "interactiveAssistant", "'/gpt'", "", 0, MODEL_REF_OR_NULL),
                    Arguments.of("flowDefaults", "watchdogFailures", "42", "", 0, MODEL_REF_OR_NULL),
                    Arguments.of("flowDefaults", "scheduledTasks", "['a/b']", "", 0, MODEL_REF_OR_NULL),
                    Arguments.of("catalog", "opencodeUrl", "'ftp://127.0.0.1:4096'", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "'127.0.0.1:4096'", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "'/relative'", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "'http:///no-host'", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "'http://bad host'", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "4096", "", 0, URL),
                    Arguments.of("catalog", "opencodeUrl", "'http://user:pw@127.0.0.1:4096'", "", 0, CREDENTIALS),
                    Arguments.of("catalog", "opencodeUrl", "'https://token@host_name'", "", 0, CREDENTIALS),
                    Arguments.of("catalog", "refreshInterval", "'PT59S'", "", 0, REFRESH),
                    Arguments.of("catalog", "refreshInterval", "'P31D'", "", 0, REFRESH),
                    Arguments.of("catalog", "refreshInterval", "'24h'", "", 0, REFRESH),
                    Arguments.of("catalog", "refreshInterval", "86400", "", 0, REFRESH),
                    Arguments.of("catalog", "connectTimeout", "'PT0.09S'", "", 0, CONNECT),
                    Arguments.of("catalog", "connectTimeout", "'-PT5S'", "", 0, CONNECT),
                    Arguments.of("catalog", "totalTimeout", "'PT31M'", "", 0, TOTAL),
                    Arguments.of("catalog", "totalTimeout", "true", "", 0, TOTAL),
                    Arguments.of("catalog", "totalTimeout", "'PT4S'", "", 0, TOTAL_BELOW_CONNECT),
                    Arguments.of("catalog", "maxResponseBytes", "1023", "", 0, BYTES),
                    Arguments.of("catalog", "maxResponseBytes", "1073741825", "", 0, BYTES),
                    Arguments.of("catalog", "maxResponseBytes", "2048.5", "", 0, BYTES),
                    Arguments.of("catalog", "maxResponseBytes", "'2048'", "", 0, BYTES),
                    Arguments.of("catalog", "maxResponseBytes", "99999999999999999999999", "", 0, BYTES),
                    Arguments.of("routing", "attemptBudget", "0", "", 0, BUDGET),
                    Arguments.of("routing", "attemptBudget", "21", "", 0, BUDGET),
                    Arguments.of("routing", "attemptBudget", "2.0", "", 0, BUDGET),
                    Arguments.of("routing", "attemptBudget", "1e1", "", 0, BUDGET),
                    Arguments.of("routing", "attemptBudget", "-18446744073709551617", "", 0, BUDGET),
                    Arguments.of("routing", "attemptBudget", "false", "", 0, BUDGET),
                    Arguments.of("routing", "runDeadline", "'PT24H0.001S'", "", 0, DEADLINE),
                    Arguments.of("routing", "runDeadline", "'PT0S'", "", 0, DEADLINE),
                    Arguments.of("routing", "firstTokenTimeout", "'PT0.05S'", "", 0, TIMEOUT),
                    Arguments.of("routing", "stallTimeout", "'30s'", "", 0, TIMEOUT),
                    Arguments.of("routing", "attemptTimeout", "30", "", 0, TIMEOUT),
                    Arguments.of("routing", "cooldownMax", "'PT0.5S'", "", 0,
                            "must be an ISO-8601 duration such as PT30S, between PT1S and PT24H"),
                    Arguments.of("routing", "fallbackChain", "'openai/gpt-5.2'", "", 0, CHAIN_ARRAY),
                    Arguments.of("routing", "fallbackChain", "{'0': 'openai/gpt-5.2'}", "", 0, CHAIN_ARRAY),
                    Arguments.of("routing", "fallbackChain", "['a/b', null]", "[1]", 8, MODEL_REF),
                    Arguments.of("routing", "fallbackChain", "['a/b', 'openai']", "[1]", 8, MODEL_REF),
                    Arguments.of("routing", "fallbackChain", "[['a/b']]", "[0]", 1, MODEL_REF),
                    Arguments.of("routing", "taskPolicies", "{'coding': 'nope'}", ".coding", 11, MODEL_REF_OR_NULL),
                    Arguments.of("routing", "taskPolicies", "{'coding': {}}", ".coding", 11, MODEL_REF_OR_NULL),
                    Arguments.of("routing", "taskPolicies", "[]", "", 0, OBJECT),
                    Arguments.of("routing", "routeTypes", "'subscription'", "", 0, OBJECT),
                    Arguments.of("routing", "routeTypes", "{'openai': 'metered'}", ".openai", 11, ROUTE_TYPE),
                    Arguments.of("routing", "routeTypes", "{'openai': 'API_KEY'}", ".openai", 11, ROUTE_TYPE),
                    Arguments.of("routing", "routeTypes", "{'openai': 1}", ".openai", 11, ROUTE_TYPE),
                    Arguments.of("routing", "routeTypes", "{'open ai': 'api_key'}", "[\"open ai\"]", 1, PROVIDER),
                    Arguments.of("routing", "routeTypes", "{'a/b': 'api_key'}", "[\"a/b\"]", 1, PROVIDER),
                    Arguments.of("routing", "routeTypes", "{'': 'api_key'}", "[\"\"]", 1, PROVIDER),
                    Arguments.of("routing", "routeTypes", "{'a\\tb': 'api_key'}", "[\"a\\u0009b\"]", 1, PROVIDER));
        }

        @ParameterizedTest(name = "{0}.{1} = {2}: {5}")
        @MethodSource("violations")
        void reportsEachRuleAtItsElement(String section, String key, String raw, String subPath, int at, String rule) {
            ConfigCheck check = parse(field(section, key, raw));

            String path = "modelManagement." + section + "." + key + subPath;
            assertRejected(check, error(path, 3, key.length() + 9 + at, rule));
        }

        @Test
        void rejectsAFallbackChainLongerThan16() {
            String chain = IntStream.range(0, 17).mapToObj(i -> "'p/m" + i + "'").collect(Collectors.joining(", ", "[", "]"));

            assertRejected(parse(field("routing", "fallbackChain", chain)), error("modelManagement.routing.fallbackChain",
                    3, 22, "must be an array of at most 16 model references"));
            assertThat(parse(field("routing", "fallbackChain", chain.replace(", 'p/m16'", ""))).valid()).isTrue();
        }

        @Test
        void parsesTheDeadlinesAndHoldsWrittenOnesInsideEachOther() {
            ConfigCheck check = parse("{'modelManagement': {'routing': {'firstTokenTimeout': 'PT0.5S', 'stallTimeout': 'PT2S',"
                    + " 'attemptTimeout': 'PT1M', 'runDeadline': 'PT2M', 'cooldownMax': 'PT5M'}}}");
            assertThat(check.problems()).isEmpty();
            RoutingSettings routing = check.config().routing();
            assertThat(routing.firstTokenTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(routing.stallTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(routing.attemptTimeout()).isEqualTo(Duration.ofMinutes(1));
            assertThat(routing.cooldownMax()).isEqualTo(Duration.ofMinutes(5));
            assertRejected(parse("{'modelManagement': {'routing': {'firstTokenTimeout': 'PT2M', 'attemptTimeout': 'PT1M'}}}"),
                    error("modelManagement.routing.firstTokenTimeout", 1, 55, "must not be longer than attemptTimeout (PT1M)"));
            assertRejected(parse("{'modelManagement': {'routing': {'attemptTimeout': 'PT20M', 'runDeadline': 'PT10M'}}}"),
                    error("modelManagement.routing.attemptTimeout", 1, 52, "must not be longer than runDeadline (PT10M)"));
            // a default longer than a written limit is not an error: the router cuts it to that limit
            assertThat(parse("{'modelManagement': {'routing': {'runDeadline': 'PT1M'}}}").valid()).isTrue();
            assertThat(parse("{}").config().routing().firstTokenTimeout()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void reportsTotalTimeoutBelowAWrittenConnectTimeoutAtTheCatalog() {
            // totalTimeout keeps its default, PT30S: the finding names it although it was not written.
            assertRejected(parse("{'modelManagement': {'catalog': {'connectTimeout': 'PT1M'}}}"),
                    error("modelManagement.catalog.totalTimeout", 1, 33, TOTAL_BELOW_CONNECT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"flowDefaults", "catalog", "routing"})
        void requiresSectionsToBeObjects(String section) {
            // {'modelManagement': { is 21 characters, then 'section': and a space
            assertRejected(parse("{'modelManagement': {'" + section + "': ['a/b']}}"),
                    error("modelManagement." + section, 1, 22 + section.length() + 4, OBJECT));
        }

        @Test
        void requiresModelManagementToBeAnObject() {
            assertRejected(parse("{'modelManagement': 'yes'}"), error("modelManagement", 1, 21, OBJECT));
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "'config'", "42", "null", "true", "  [{'modelManagement': {}}]"})
        void requiresTheDocumentToBeAnObject(String text) {
            int column = text.indexOf(text.strip()) + 1;

            assertRejected(parse(text), error("$", 1, column, "the document must be a JSON object"));
        }

        @Test
        void reportsDuplicateKeysAtTheSecondOccurrence() {
            assertRejected(parse("{'modelManagement': {'routing': {'attemptBudget': 2, 'attemptBudget': 99}}}"),
                    error("modelManagement.routing.attemptBudget", 1, 54, "duplicate key"));
            assertRejected(parse(lines("{'modelManagement': {},", " 'modelManagement': {}}")),
                    error("modelManagement", 2, 2, "duplicate key"));
        }

        @Test
        void reportsAllProblemsInDocumentOrder() {
            ConfigCheck check = parse(lines(
                    "{",
                    "  'modelManagement': {",
                    "    'routing': {",
                    "      'attemptBudget': 0,",
                    "      'fallbackChain': ['openai/gpt-5.2', 'openai/gpt-5.2', 7],",
                    "      'extra': true",
                    "    },",
                    "    'catalog': { 'connectTimeout': 'PT1S', 'totalTimeout': 'PT0.5S' },",
                    "    'flowDefaults': { 'heartbeat': false, 'nightly': 'openai/gpt-5.2' }",
                    "  },",
                    "  'version': 2",
                    "}"));

            assertRejected(check,
                    error("modelManagement.routing.attemptBudget", 4, 24, BUDGET),
                    warning("modelManagement.routing.fallbackChain[1]", 5, 43,
                            "repeats fallbackChain[0]; the router skips repeats"),
                    error("modelManagement.routing.fallbackChain[2]", 5, 61, MODEL_REF),
                    warning("modelManagement.routing.extra", 6, 7, UNKNOWN_ROUTING),
                    error("modelManagement.catalog.totalTimeout", 8, 60, TOTAL),
                    error("modelManagement.flowDefaults.heartbeat", 9, 36, MODEL_REF_OR_NULL),
                    warning("modelManagement.flowDefaults.nightly", 9, 43, UNKNOWN_FLOW),
                    warning("version", 11, 3, UNKNOWN_TOP));
        }
    }

    @Nested
    class Syntax {

        static Stream<Arguments> errors() {
            return Stream.of(
                    Arguments.of("{'modelManagement': {'routing': {'attemptBudget': }}}",
                            error("modelManagement.routing.attemptBudget", 1, 51, "unexpected character '}', expected a value")),
                    Arguments.of("{'a': 1 'b': 2}",
                            error("a", 1, 9, "unexpected character '\"', expected comma to separate Object entries")),
                    Arguments.of("{\n  'modelManagement': {\n    'routing': {,}\n  }\n}",
                            error("modelManagement.routing", 3, 17,
                                    "unexpected character ',', expected double-quote to start field name")),
                    Arguments.of("{'modelManagement': {", error("modelManagement", 1, 22,
                            "unexpected end of input: the object opened at line 1, column 21 is never closed, expected '}'")),
                    Arguments.of("{'a': [1, 2", error("a", 1, 12,
                            "unexpected end of input: the array opened at line 1, column 7 is never closed, expected ']'")),
                    Arguments.of("{'a': 'unterminated", error("a", 1, 20,
                            "unexpected end of input in a string, expected its closing '\"'")),
                    Arguments.of("{} /* unterminated", error("$", 1, 19,
                            "unexpected end of input in a comment, expected its closing '*/'")),
                    Arguments.of("{}}", error("$", 1, 3, "unexpected character '}'")),
                    Arguments.of("{} {}", error("$", 1, 4, "unexpected content after the document")),
                    Arguments.of("{'a': tru}", error("a", 1, 7,
                            "unrecognized token, expected a string, number, object, array, true, false or null")),
                    Arguments.of("{'a': 'x\\qy'}", error("a", 1, 10, "invalid escape sequence in a string")),
                    Arguments.of("{'a': 'x\u0001y'}", error("a", 1, 9, "control characters in strings must be escaped")),
                    Arguments.of("{'a': 01}", error("a", 1, 8, "invalid number")),
                    Arguments.of("{'a': NaN}", error("a", 1, 10, "invalid number")),
                    Arguments.of("{'a': [1,,2]}", error("a[0]", 1, 10, "unexpected character ',', expected a valid value")));
        }

        @ParameterizedTest
        @MethodSource("errors")
        void reportsOneErrorWhereJacksonStopped(String text, ConfigProblem expected) {
            ConfigProblem withPrefix = error(expected.path(), expected.line(), expected.column(),
                    "invalid JSONC: " + expected.rule());

            assertRejected(parse(text), withPrefix);
        }

        @Test
        void rejectsSingleQuotes() {
            assertRejected(parseRaw("{'a': 1}"), error("$", 1, 2,
                    "invalid JSONC: unexpected character ''', expected double-quote to start field name"));
        }
    }

    @Nested
    class HostileInput {

        @Test
        void rejectsDeepNestingWithOneProblem() {
            assertRejected(parse("[".repeat(10_000)),
                    error("$" + "[0]".repeat(64), 1, 65, "nesting must be at most 64 levels deep"));
        }

        @Test
        void rejectsDeepObjectNestingWithOneProblem() {
            ConfigCheck check = parse("{'a': ".repeat(10_000) + "1" + "}".repeat(10_000));

            assertRejected(check, error(String.join(".", Collections.nCopies(64, "a")), 1, 64 * 6 + 1,
                    "nesting must be at most 64 levels deep"));
        }

        @Test
        void acceptsNestingOf64Levels() {
            ConfigCheck check = parse("{'x': " + "[".repeat(63) + "]".repeat(63) + "}");

            assertThat(check.problems()).containsExactly(warning("x", 1, 2, UNKNOWN_TOP));
        }

        @Test
        void rejectsAFileOverOneMebibyte() {
            byte[] big = new byte[2 * 1024 * 1024];
            Arrays.fill(big, (byte) ' ');
            big[0] = '{';
            big[1] = '}';

            assertRejected(parser.parse(FILE, big), error("$", 0, 0, "the file must be at most 1048576 bytes (1 MiB)"));
            assertThat(parser.parse(FILE, Arrays.copyOf(big, ConfigParser.MAX_BYTES)).config())
                    .isSameAs(ModelManagementConfig.DEFAULTS);
        }

        @Test
        void rejectsAStringOver64KiB() {
            assertRejected(parse("{'x': '" + "a".repeat(100 * 1024) + "'}"), error("x", 1, 7, TOO_LONG));
            assertThat(parse("{'x': '" + "a".repeat(ConfigParser.MAX_STRING) + "'}").problems())
                    .containsExactly(warning("x", 1, 2, UNKNOWN_TOP));
        }

        @Test
        void rejectsAKeyOver64KiBAtItsObject() {
            assertRejected(parse("{'modelManagement': {'" + "k".repeat(100 * 1024) + "': 1}}"),
                    error("modelManagement", 1, 22, TOO_LONG));
        }

        @Test
        void rejectsNulBytes() {
            // Jackson reports the position after the offending character.
            assertRejected(parser.parse(FILE, new byte[4096]),
                    error("$", 1, 2, "invalid JSONC: unexpected character U+0000"));
        }

        @Test
        void rejectsInvalidUtf8AtItsPosition() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes("{\n  \"modelManagement\": \"é".getBytes(UTF_8));
            bytes.write(0xC3); // a lead byte followed by a non-continuation byte
            bytes.writeBytes("(\"}".getBytes(UTF_8));

            assertRejected(parser.parse(FILE, bytes.toByteArray()), error("$", 2, 24, NOT_UTF8));
            assertRejected(parser.parse(FILE, new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0}),
                    error("$", 1, 1, NOT_UTF8));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "{'modelManagement': {'catalog': {'opencodeUrl': 'http://user:SECRET@host'}}}",
            "{'modelManagement': {'catalog': {'opencodeUrl': 'SECRET', 'totalTimeout': 'SECRET'}}}",
            "{'modelManagement': {'routing': {'fallbackChain': ['SECRET'], 'attemptBudget': 'SECRET',"
                    + " 'routeTypes': {'openai': 'SECRET'}, 'taskPolicies': {'coding': 'SECRET'}}}}",
            "{'modelManagement': {'flowDefaults': {'heartbeat': 'SECRET'}}}",
            "{'modelManagement': {'catalog': {'opencodeUrl': SECRET}}}",
            "{'modelManagement': {'catalog': {'opencodeUrl': 'SECRET\n'}}}",
            "{'modelManagement': {'catalog': {'opencodeUrl': 'SECRET\\x'}}}"})
        void neverPutsAValueIntoARule(String template) {
            List<ConfigProblem> problems = parse(template.replace("SECRET", "sk-SECRET123")).problems();

            assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p.rule()).doesNotContain("SECRET"));
        }
    }
}
