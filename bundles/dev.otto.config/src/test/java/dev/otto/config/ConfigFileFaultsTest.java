package dev.otto.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

/**
 * What the config file can be besides a good file: empty or comments only, a directory, a
 * symbolic link loop, a dangling link, a named pipe, unreadable, too large, deleted. Each is one
 * accurate error (or, for a deleted file, one warning) naming the path; the last good config stays
 * in force; only a missing file means the built-in defaults.
 */
class ConfigFileFaultsTest {

    /** A hang guard only: reading a named pipe would block for ever. Never a timing assertion. */
    private static final Duration HANG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path file;
    private final List<ModelManagementConfig> published = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private ConfigReloader reloader;

    @BeforeEach
    void setUp() {
        file = dir.resolve("config.jsonc");
        reloader = new ConfigReloader(file, new ConfigParser(), published::add, new ConfigReloader.Reporter() {
            @Override
            public void info(String message) {
                log.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                log.add("WARN " + message);
            }

            @Override
            public void error(String message) {
                log.add("ERROR " + message);
            }
        }, Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC), "");
    }

    private static final String GOOD = "{\"modelManagement\": {\"flowDefaults\": {\"heartbeat\": \"openai/gpt-5.4-mini\"},"
            + " \"catalog\": {\"opencodeUrl\": \"http://127.0.0.1:41234\"}, \"routing\": {\"fallbackChain\": [\"openai/gpt-5.2\"]}}}";

    private ModelManagementConfig applyGood() throws IOException {
        Files.writeString(file, GOOD, StandardCharsets.UTF_8);
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.APPLIED);
        log.clear();
        return reloader.current();
    }

    private List<String> errors() {
        return log.stream().filter(l -> l.startsWith("ERROR")).toList();
    }

    private static void mkfifo(Path path) throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
    }

    /** How a fault is made, and a phrase the one error line must contain. */
    interface Fault {
        void make(Path file) throws Exception;
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("empty", (Fault) f -> Files.write(f, new byte[0]), "holds no settings"),
                Arguments.of("whitespace", (Fault) f -> Files.writeString(f, " \n\n\t\n"), "holds no settings"),
                Arguments.of("comments only", (Fault) f -> Files.writeString(f, "// {\"modelManagement\": {}}\n/* x */\n"),
                        "holds no settings"),
                Arguments.of("directory", (Fault) Files::createDirectory, "a directory, not a file"),
                Arguments.of("symlink loop", (Fault) f -> {
                    Path other = f.resolveSibling("loop.jsonc");
                    Files.createSymbolicLink(f, other);
                    Files.createSymbolicLink(other, f);
                }, "a loop of symbolic links"),
                Arguments.of("dangling symlink", (Fault) f -> Files.createSymbolicLink(f, f.resolveSibling("gone.jsonc")),
                        "gone.jsonc, which does not exist: fix the link"),
                Arguments.of("named pipe", (Fault) ConfigFileFaultsTest::mkfifo, "a named pipe (FIFO), not a regular file"),
                Arguments.of("too large", (Fault) f -> Files.write(f, new byte[ConfigParser.MAX_BYTES + 1]),
                        "at most 1048576 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void eachFaultIsOneAccurateErrorAndTheLastGoodConfigStays(String name, Fault fault, String phrase) throws Exception {
        ModelManagementConfig good = applyGood();
        Files.delete(file);
        fault.make(file);

        assertTimeoutPreemptively(HANG, () -> {
            reloader.reload();
            reloader.reload();
        });

        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.REJECTED);
        assertThat(reloader.current()).isEqualTo(good);
        assertThat(reloader.current().catalog().opencodeUrl().getPort()).isEqualTo(41234);
        assertThat(published).as("nothing but the good version was ever published").containsExactly(good);
        assertThat(errors()).singleElement().satisfies(line -> assertThat(line)
                .contains(file.toString(), phrase, "version " + good.versionId() + " stays in force")
                .doesNotContain("permissions", ":0:0", "\n")
                .satisfies(l -> assertThat(l.indexOf(file.toString())).as("the path once").isEqualTo(l.lastIndexOf(file.toString()))));
        assertThat(reloader.problem()).contains(file.toString(), phrase);
        ConfigCheck check = assertTimeoutPreemptively(HANG, () -> reloader.check(file));
        assertThat(check.valid()).isFalse();
        assertThat(check.errors()).singleElement().extracting(ConfigProblem::rule).asString().contains(phrase);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aFaultyFirstFileIsRejectedAndOnlyTheDefaultsArePublished(String name, Fault fault, String phrase) throws Exception {
        fault.make(file);

        assertTimeoutPreemptively(HANG, () -> reloader.reload());

        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.REJECTED);
        assertThat(published).containsExactly(ModelManagementConfig.DEFAULTS);
        assertThat(errors()).singleElement().asString().contains(file.toString(), phrase);
    }

    @Test
    void aFixedFileAppliesAgainAfterAFault() throws Exception {
        applyGood();
        Files.writeString(file, "");
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.REJECTED);

        Files.writeString(file, GOOD.replace("gpt-5.4-mini", "gpt-5.2"));
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.APPLIED);
        assertThat(reloader.current().flowDefaults().forFlow(Flow.HEARTBEAT)).contains(ModelRef.parse("openai/gpt-5.2"));
        assertThat(reloader.problem()).isNull();
    }

    @Test
    void anUnreadableFileIsReportedAsAPermissionProblem() throws Exception {
        assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads any file; the mapping is tested below");
        ModelManagementConfig good = applyGood();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        reloader.reload();
        assertThat(reloader.current()).isEqualTo(good);
        assertThat(errors()).singleElement().asString().contains(file.toString(), "permission denied", "check its permissions");
    }

    @Test
    void onlyPermissionDeniedSaysCheckItsPermissions() {
        assertThat(ConfigFile.describe(new AccessDeniedException(file.toString())))
                .contains("permission denied", "check its permissions");
        assertThat(ConfigFile.describe(new FileSystemException(file.toString(), null, "Input/output error")))
                .contains("cannot be read", "Input/output error").doesNotContain("permissions");
    }

    @Test
    void theFileDeletedWhileRunningKeepsTheLastGoodWithOneWarningAndIsAHealthProblem() throws Exception {
        ModelManagementConfig good = applyGood();
        Files.delete(file);
        reloader.reload();
        reloader.reload();

        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.DELETED);
        assertThat(reloader.current()).isEqualTo(good);
        assertThat(published).containsExactly(good);
        assertThat(log).singleElement().asString().startsWith("WARN").contains(file.toString(), "deleted");
        assertThat(reloader.problem()).contains(file.toString(), "deleted", "built-in defaults");
    }

    @Test
    void noFileAtFirstStartIsTheDefaultsAndNoProblem() {
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.NO_FILE);
        assertThat(published).containsExactly(ModelManagementConfig.DEFAULTS);
        assertThat(reloader.problem()).isNull();
    }

    @Test
    void aMissingFolderOnThePathIsAMissingFile() {
        ConfigReloader nested = new ConfigReloader(dir.resolve("no/such/config.jsonc"), new ConfigParser(), published::add,
                new ConfigReloader.Reporter() {
                    @Override
                    public void info(String message) {
                        log.add("INFO " + message);
                    }

                    @Override
                    public void warn(String message) {
                        log.add("WARN " + message);
                    }

                    @Override
                    public void error(String message) {
                        log.add("ERROR " + message);
                    }
                }, Clock.systemUTC(), "");
        nested.reload();
        assertThat(nested.status().state()).isEqualTo(ConfigStatus.State.NO_FILE);
        assertThat(log).singleElement().asString().startsWith("INFO no config file");
    }
}
