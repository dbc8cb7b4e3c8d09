package dev.otto.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigProblem.Severity;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file that ends too early (a save cut short, a missing closing brace, a trailing comma at the
 * end, an unterminated string or comment) is blamed on the element that was left open, at the
 * place the input ended; and a file that holds no settings at all is rejected, not read as the
 * defaults. Texts use {@code '} for {@code "}.
 */
class ConfigEndOfInputTest {

    private static final Path FILE = Path.of("config.jsonc");
    private static final String PREFIX = "invalid JSONC: unexpected end of input";

    private static String object(int line, int column) {
        return PREFIX + ": the object opened at line " + line + ", column " + column + " is never closed, expected '}'";
    }

    private static String array(int line, int column) {
        return PREFIX + ": the array opened at line " + line + ", column " + column + " is never closed, expected ']'";
    }

    private static final String VALUE = PREFIX + ", expected ':' and a value for this key";
    private static final String STRING = PREFIX + " in a string, expected its closing '\"'";
    private static final String KEY = PREFIX + " in a key, expected its closing '\"'";
    private static final String COMMENT = PREFIX + " in a comment, expected its closing '*/'";
    private static final String NUMBER = PREFIX + " in a number";

    private final ConfigParser parser = new ConfigParser();

    private ConfigCheck parse(String text) {
        return parser.parse(FILE, text.replace('\'', '"').getBytes(UTF_8));
    }

    static Stream<Arguments> truncations() {
        return Stream.of(
                // text, path, line, column (where the input ended), rule
                Arguments.of("{'modelManagement': {'routing': {'attemptBudget': 3",
                        "modelManagement.routing", 1, 52, object(1, 33)),
                Arguments.of("{'modelManagement': {'routing': {'attemptBudget': 3,",
                        "modelManagement.routing", 1, 53, object(1, 33)),
                Arguments.of("{\n  'modelManagement': {\n    'catalog': {\n      'opencodeUrl': 'http://x'\n    }\n",
                        "modelManagement", 6, 1, object(2, 22)),
                Arguments.of("{\n  'modelManagement': {}\n", "$", 3, 1, object(1, 1)),
                Arguments.of("{\n  'modelManagement': {},\n", "$", 3, 1, object(1, 1)),
                Arguments.of("{'modelManagement': {'catalog': {}} // end", "$", 1, 43, object(1, 1)),
                Arguments.of("{", "$", 1, 2, object(1, 1)),
                Arguments.of("{'modelManagement': {'routing': {'fallbackChain': ['a/b', 'c/d'",
                        "modelManagement.routing.fallbackChain", 1, 64, array(1, 51)),
                Arguments.of("{'modelManagement': {'routing': {'fallbackChain': ['a/b',",
                        "modelManagement.routing.fallbackChain", 1, 58, array(1, 51)),
                Arguments.of("{'modelManagement': {'routing':", "modelManagement.routing", 1, 32, VALUE),
                Arguments.of("{'modelManagement': {'routing'", "modelManagement.routing", 1, 31, VALUE),
                Arguments.of("{'modelManagement': {'catalog': {'opencodeUrl': 'http://127.0.0.1:40",
                        "modelManagement.catalog.opencodeUrl", 1, 69, STRING),
                Arguments.of("{'modelManagement': {'routing': {'fallbackChain': ['a/b', 'c/",
                        "modelManagement.routing.fallbackChain[1]", 1, 62, STRING),
                Arguments.of("{'modelManagement': {'rout", "modelManagement", 1, 27, KEY),
                Arguments.of("{\n  'modelManagement': {} /* note", "$", 2, 32, COMMENT),
                Arguments.of("{} /* unterminated", "$", 1, 19, COMMENT),
                Arguments.of("{'modelManagement': {'routing': {'attemptBudget': -",
                        "modelManagement.routing.attemptBudget", 1, 52, NUMBER));
    }

    @ParameterizedTest(name = "[{index}] {1} at {2}:{3}")
    @MethodSource("truncations")
    void blamesWhatWasLeftOpenWhereTheInputEnded(String text, String path, int line, int column, String rule) {
        ConfigCheck check = parse(text);

        assertThat(check.problems()).containsExactly(new ConfigProblem(Severity.ERROR, path, line, column, rule));
        assertThat(check.valid()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\t\r\n", "\uFEFF", "// everything commented out\n/* { 'modelManagement': {} } */",
        "/* a block */ // and a line"})
    void aFileWithoutAnySettingIsRejectedNotTakenForTheDefaults(String text) {
        ConfigCheck check = parse(text);

        assertThat(check.valid()).isFalse();
        assertThat(check.problems()).containsExactly(new ConfigProblem(Severity.ERROR, "$", 0, 0, ConfigParser.NO_DOCUMENT));
        assertThat(ConfigParser.NO_DOCUMENT).contains("empty", "{}");
    }

    @Test
    void anExplicitEmptyObjectIsADeliberateAllDefaults() {
        assertThat(parse("// all defaults\n{}\n").valid()).isTrue();
    }
}
