package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What an operator, an editor cut short or a deploy script can leave at the config path of a
 * running Otto, through the real {@code bin/otto}: an empty file, a file of comments only, a
 * directory. Each is rejected with one error naming the path and what is wrong; the last good
 * configuration (its OpenCode URL, its fallback chain) stays in force; {@code otto:config-check}
 * calls the file invalid with the same reason; {@code otto:status} is not ready until the file is
 * good again.
 */
class ReliabilityConfigIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAIN = "openai/gpt-5.2";

    @Test
    void aFileWithoutSettingsOrADirectoryKeepsTheLastGoodConfigAndIsReportedOnce() throws Exception {
        OttoProcess otto = OttoProcess.freshCopy();
        Path file = otto.configFile();
        String url = OpenCodeServer.shared().url().toString();
        Files.writeString(file, OttoContainer.configFor(OpenCodeServer.shared().url(),
                "\"routing\": {\"fallbackChain\": [\"" + CHAIN + "\"]}"));
        OttoProcess.Outcome start = otto.run("start");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        try {
            JsonNode good = config(otto);
            assertThat(good.get("state").asText()).isEqualTo("applied");
            String version = good.get("version").asText();
            assertInForce(good, version, url);

            // a save cut short: the file is there, but empty
            Files.write(file, new byte[0]);
            JsonNode empty = awaitJudged(otto, "holds no settings", 1);
            assertInForce(empty, version, url);
            assertCheckSaysInvalid(otto, file, "holds no settings");
            assertNotReadyBecauseOf(otto, file, "holds no settings");
            awaitRejections(otto, file, 1);

            // everything commented out: still no settings
            replace(file, "// {\"modelManagement\": {}}\n/* nothing here */\n");
            JsonNode comments = awaitJudged(otto, "holds no settings", 2);
            assertInForce(comments, version, url);

            // the path becomes a directory
            Files.delete(file);
            Files.createDirectory(file);
            JsonNode directory = awaitJudged(otto, "a directory, not a file", 3);
            assertInForce(directory, version, url);
            assertCheckSaysInvalid(otto, file, "a directory, not a file");
            awaitRejections(otto, file, 3);

            // fixed: the good file applies again and Otto is ready
            Files.delete(file);
            replace(file, OttoContainer.configFor(OpenCodeServer.shared().url(),
                    "\"routing\": {\"fallbackChain\": [\"" + CHAIN + "\"]}"));
            Eventually.awaitTrue("the good file applied again", WAIT,
                    () -> config(otto).get("state").asText().equals("applied"));
            OttoProcess.Outcome status = otto.run("run", "--attach", "otto:status --json");
            assertThat(JSON.readTree(status.stdout()).get("ready").asBoolean()).as(status.toString()).isTrue();
            assertThat(rejections(otto, file)).as("one error per bad version, no more").isEqualTo(3);
        } finally {
            otto.stopAll();
        }
    }

    /** The version, OpenCode URL and chain of the good file are still what Otto applies. */
    private static void assertInForce(JsonNode config, String version, String url) {
        assertThat(config.get("version").asText()).as(config.toString()).isEqualTo(version);
        JsonNode effective = config.get("effective");
        assertThat(effective.at("/catalog/opencodeUrl").asText()).isEqualTo(url);
        assertThat(effective.at("/routing/fallbackChain/0").asText()).isEqualTo(CHAIN);
    }

    private static JsonNode config(OttoProcess otto) {
        OttoProcess.Outcome outcome = otto.run("run", "--attach", "otto:config --json");
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        try {
            return JSON.readTree(outcome.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(outcome.toString(), e);
        }
    }

    /**
     * Waits until Otto has judged the newest file: the {@code nth} rejection is logged, or the good
     * file's chain is no longer in force (the wrong outcome); then checks it was rejected for
     * {@code reason}, with one problem.
     */
    private static JsonNode awaitJudged(OttoProcess otto, String reason, int nth) {
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        Eventually.awaitTrue("the newest config file judged", WAIT, () -> {
            JsonNode config = config(otto);
            seen.set(config);
            // the state and the log are read one after the other: the nth rejection may be logged
            // after the state was read, so the state must show this reason too
            boolean rejected = config.get("state").asText().equals("rejected") && rejections(otto, otto.configFile()) >= nth
                    && config.at("/problems/0/rule").asText().contains(reason);
            return rejected || !config.at("/effective/routing/fallbackChain/0").asText().equals(CHAIN);
        });
        JsonNode config = seen.get();
        assertThat(config.get("state").asText()).as(config.toString()).isEqualTo("rejected");
        assertThat(config.get("problems")).as(config.toString()).hasSize(1);
        assertThat(config.at("/problems/0/rule").asText()).as(config.toString()).contains(reason)
                .doesNotContain("permissions");
        return config;
    }

    private static void assertCheckSaysInvalid(OttoProcess otto, Path file, String reason) {
        OttoProcess.Outcome check = otto.run("run", "--attach", "otto:config-check " + file);
        assertThat(check.exitCode()).as(check.toString()).isNotZero();
        assertThat(check.stderr()).as(check.toString()).contains(file + " is invalid", file + ": ", reason)
                .doesNotContain("permissions", "Exception", "\tat ");
    }

    private static void assertNotReadyBecauseOf(OttoProcess otto, Path file, String reason) throws IOException {
        OttoProcess.Outcome status = otto.run("run", "--attach", "otto:status --json");
        JsonNode json = JSON.readTree(status.stdout());
        assertThat(json.get("ready").asBoolean()).as(status.toString()).isFalse();
        List<String> problems = new ArrayList<>();
        json.get("health").forEach(h -> {
            if (!h.get("ok").asBoolean()) {
                problems.add(h.get("name").asText() + ": " + h.get("problem").asText());
            }
        });
        assertThat(problems).as(status.toString()).singleElement().asString()
                .startsWith("config file: ").contains(file.toString(), reason, "stays in force");
    }

    private static void awaitRejections(OttoProcess otto, Path file, long expected) {
        Eventually.awaitTrue("the rejection logged", WAIT, () -> rejections(otto, file) >= expected);
        assertThat(rejections(otto, file)).as("exactly one error per bad version").isEqualTo(expected);
    }

    /** Log lines saying the watched file was rejected. */
    private static long rejections(OttoProcess otto, Path file) {
        try {
            return Files.readAllLines(otto.dataDir.resolve("logs/otto.log"), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains("config " + file + " rejected")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts {@code content} at {@code file} in one step (a file beside it, renamed over it), so the
     * reloader never sees the file half-written: each edit of this test is one version, judged once.
     */
    private static void replace(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
