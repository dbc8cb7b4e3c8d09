package dev.otto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

class ConfigReloaderTest {

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
        }, Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC), " (example: conf/config.jsonc.example)");
    }

    private void write(String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static String heartbeat(String model) {
        return "{\"modelManagement\": {\"flowDefaults\": {\"heartbeat\": \"" + model + "\"}}}";
    }

    private long count(String level) {
        return log.stream().filter(line -> line.startsWith(level)).count();
    }

    @Test
    void noFileMeansBuiltInDefaultsPublishedOnceAndOneInfoLine() {
        reloader.reload();
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.NO_FILE);
        assertThat(reloader.current()).isEqualTo(ModelManagementConfig.DEFAULTS);
        assertThat(published).containsExactly(ModelManagementConfig.DEFAULTS);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("INFO no config file at " + file).contains("conf/config.jsonc.example");
    }

    @Test
    void aValidFileAppliesOnceAndTheSameVersionIsNotJudgedAgain() throws IOException {
        write(heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.APPLIED);
        assertThat(reloader.current().flowDefaults().forFlow(Flow.HEARTBEAT)).contains(ModelRef.parse("openai/gpt-5.4-mini"));
        assertThat(published).hasSize(1);
        assertThat(log).containsExactly("INFO config " + file + " applied: version " + reloader.current().versionId());
    }

    @Test
    void whoeverConfigAdminTellsAlreadySeesTheNewVersionThroughTheService() throws IOException {
        List<String> seenWhilePublishing = new ArrayList<>();
        ConfigReloader[] self = new ConfigReloader[1];
        self[0] = new ConfigReloader(file, new ConfigParser(), config -> seenWhilePublishing.add(
                self[0].current().versionId() + " " + self[0].status().state() + " " + config.versionId()),
                new ConfigReloader.Reporter() {
                    @Override
                    public void info(String message) {
                    }

                    @Override
                    public void warn(String message) {
                    }

                    @Override
                    public void error(String message) {
                    }
                }, Clock.systemUTC(), "");
        write(heartbeat("openai/gpt-5.4-mini"));
        self[0].reload();
        write(heartbeat("openai/gpt-5.2"));
        self[0].reload();
        assertThat(seenWhilePublishing).hasSize(2).allSatisfy(line -> {
            String[] parts = line.split(" ");
            assertThat(parts[0]).as("current() while publishing").isEqualTo(parts[2]);
            assertThat(parts[1]).isEqualTo("APPLIED");
        });
    }

    @Test
    void anInvalidVersionIsRejectedWholeWithOneErrorAndTheLastGoodStays() throws IOException {
        write(heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        ModelManagementConfig good = reloader.current();

        write("{\"modelManagement\": {\"flowDefaults\": {\"heartbeat\": \"no-slash\"}, \"routing\": {\"attemptBudget\": 0}}}");
        reloader.reload();
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.REJECTED);
        assertThat(reloader.current()).isEqualTo(good);
        assertThat(published).containsExactly(good);
        assertThat(count("ERROR")).isEqualTo(1);
        String error = log.get(log.size() - 1);
        assertThat(error).startsWith("ERROR config " + file + " rejected, version " + good.versionId() + " stays in force; 2 problems:")
                .contains(file + ":1:").contains("modelManagement.flowDefaults.heartbeat").contains("modelManagement.routing.attemptBudget")
                .doesNotContain("no-slash");
        assertThat(reloader.status().problems()).hasSize(2);

        write(heartbeat("openai/gpt-5.2"));
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.APPLIED);
        assertThat(reloader.current().flowDefaults().forFlow(Flow.HEARTBEAT)).contains(ModelRef.parse("openai/gpt-5.2"));
        assertThat(published).hasSize(2);
    }

    @Test
    void anInvalidFirstFileStillPublishesTheDefaultsSoComponentsCanStart() throws IOException {
        write("{ not json");
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.REJECTED);
        assertThat(published).containsExactly(ModelManagementConfig.DEFAULTS);
        assertThat(count("ERROR")).isEqualTo(1);
    }

    @Test
    void deletingTheFileKeepsTheAppliedVersionAndRecreatingItAppliesAgain() throws IOException {
        write(heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        ModelManagementConfig applied = reloader.current();
        Files.delete(file);
        reloader.reload();
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.DELETED);
        assertThat(reloader.current()).isEqualTo(applied);
        assertThat(count("WARN")).isEqualTo(1);

        write(heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        assertThat(reloader.status().state()).isEqualTo(ConfigStatus.State.APPLIED);
        assertThat(published).as("same effective values: nothing new to publish").containsExactly(applied);
    }

    @Test
    void aCommentOnlyEditKeepsTheVersion() throws IOException {
        write(heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        String version = reloader.current().versionId();
        write("// a comment\n" + heartbeat("openai/gpt-5.4-mini"));
        reloader.reload();
        assertThat(reloader.current().versionId()).isEqualTo(version);
        assertThat(published).hasSize(1);
        assertThat(log.get(log.size() - 1)).isEqualTo("INFO config " + file + " re-read: version " + version + " unchanged");
    }

    @Test
    void checkValidatesAnyFileWithoutApplyingIt() throws IOException {
        Path other = dir.resolve("other.jsonc");
        Files.writeString(other, heartbeat("openai/gpt-5.2"));
        assertThat(reloader.check(other).valid()).isTrue();
        assertThat(reloader.check(dir.resolve("absent.jsonc")).errors()).singleElement()
                .satisfies(p -> assertThat(p.rule()).isEqualTo("no such file; check the path"));
        assertThat(published).isEmpty();
    }

    @Test
    void theShippedExampleIsValid() {
        Path example = Path.of("../../distribution/src/main/dist/conf/config.jsonc.example");
        assertThat(reloader.check(example).problems()).isEmpty();
    }
}
