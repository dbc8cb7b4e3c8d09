package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.config.OttoConfiguration;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;

class ConfigCommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Path FILE = Path.of("/home/op/.config/otto/config.jsonc");
    private static final ModelManagementConfig CONFIG = new ModelManagementConfig("c0123456789ab",
            new FlowDefaults(Map.of(Flow.HEARTBEAT, ModelRef.parse("openai/gpt-5.4-mini"))),
            new CatalogSettings(URI.create("http://127.0.0.1:4096"), Duration.ofHours(24), Duration.ofSeconds(5),
                    Duration.ofSeconds(30), 1024),
            new RoutingSettings(List.of(ModelRef.parse("openai-codex/gpt-5.3-codex"), ModelRef.parse("openai/gpt-5.2")),
                    Map.of(TaskType.CODING, ModelRef.parse("openai-codex/gpt-5.3-codex")), 0, Duration.ofMinutes(10),
                    Map.of("openai-codex", RouteType.SUBSCRIPTION)));
    private static final ConfigProblem BAD_REF = new ConfigProblem(ConfigProblem.Severity.ERROR,
            "modelManagement.flowDefaults.heartbeat", 4, 18, "must be a model reference provider/model, e.g. openai/gpt-5.2, or null");

    private static ConfigCommands commands(ConfigStatus status, ConfigCheck check) {
        OttoConfiguration fake = new OttoConfiguration() {
            @Override
            public ModelManagementConfig current() {
                return status.applied();
            }

            @Override
            public ConfigStatus status() {
                return status;
            }

            @Override
            public ConfigCheck check(Path file) {
                return check;
            }
        };
        return new ConfigCommands(fake, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void configShowsStateVersionAgeAndEveryEffectiveValue() {
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.APPLIED, CONFIG, NOW.minusSeconds(192), List.of());
        String text = commands(status, null).config(false);
        assertThat(text).contains(
                "file     " + FILE,
                "status   ok",
                "version  c0123456789ab, applied 3m12s ago",
                "heartbeat             openai/gpt-5.4-mini",
                "interactiveAssistant  (OpenCode global default)",
                "fallbackChain            openai-codex/gpt-5.3-codex -> openai/gpt-5.2",
                "attemptBudget            3 (default: 1 + chain length)",
                "taskPolicies.coding      openai-codex/gpt-5.3-codex",
                "routeTypes.openai-codex  subscription",
                "opencodeUrl       http://127.0.0.1:4096");
    }

    @Test
    void aRejectedVersionIsShownWithEachProblemAndTheVersionStillInForce() {
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.REJECTED, CONFIG, NOW.minusSeconds(60), List.of(BAD_REF));
        String text = commands(status, null).config(false);
        assertThat(text).contains("status   rejected: the last good config stays in force",
                "Rejected, 1 problem:", FILE + ":4:18: modelManagement.flowDefaults.heartbeat: must be a model reference");
        String json = commands(status, null).config(true);
        assertThat(json).contains("\"state\" : \"rejected\"", "\"line\" : 4", "\"heartbeat\" : \"openai/gpt-5.4-mini\"");
    }

    @Test
    void configCheckFailsOnAnInvalidFileListingEachProblem() {
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.APPLIED, CONFIG, NOW, List.of());
        Path other = Path.of("/tmp/candidate.jsonc");
        ConfigCommands invalid = commands(status, new ConfigCheck(other, null, List.of(BAD_REF)));
        assertThatThrownBy(() -> invalid.configcheck(false, other.toString()))
                .hasMessage(other + " is invalid, 1 problem:" + System.lineSeparator()
                        + "  " + other + ":4:18: modelManagement.flowDefaults.heartbeat: must be a model reference provider/model, e.g. openai/gpt-5.2, or null");
        ConfigCommands valid = commands(status, new ConfigCheck(other, CONFIG, List.of()));
        assertThat(valid.configcheck(false, other.toString())).isEqualTo(other + " is valid: version c0123456789ab");
    }

    @Test
    void withoutTheConfigBundleTheCommandSaysSo() {
        assertThatThrownBy(() -> new ConfigCommands(Clock.systemUTC()).config(false))
                .hasMessageStartingWith("the config bundle (dev.otto.config) is not running");
    }
}
