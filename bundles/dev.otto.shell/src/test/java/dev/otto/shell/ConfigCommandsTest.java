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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;

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
        return commands(status, check, null);
    }

    private static ModelRouter routerWith(ActiveRouting active) {
        return new ModelRouter() {
            @Override
            public RunResult run(RunRequest request) {
                throw new AssertionError("otto:config runs nothing");
            }

            @Override
            public RoutePlan plan(RunRequest request) {
                throw new AssertionError("otto:config plans nothing");
            }

            @Override
            public ActiveRouting active() {
                return active;
            }
        };
    }

    private static ConfigCommands commands(ConfigStatus status, ConfigCheck check, ModelRouter router) {
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
        return new ConfigCommands(fake, router, Clock.fixed(NOW, ZoneOffset.UTC));
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
                "router                   not running: the values below are the configured ones; the fallback "
                        + "policy's chain is unknown ('otto:status' says why)",
                "fallbackChain            openai-codex/gpt-5.3-codex -> openai/gpt-5.2 (routing.fallbackChain)",
                "attemptBudget            3 (default: 1 + chain length)",
                "firstTokenTimeout        PT30S",
                "stallTimeout             PT30S",
                "attemptTimeout           PT5M",
                "runDeadline              PT10M",
                "cooldownMax              PT10M",
                "taskPolicies.coding      openai-codex/gpt-5.3-codex",
                "routeTypes.openai-codex  subscription",
                "opencodeUrl       http://127.0.0.1:4096");
    }

    @Test
    void withTheRouterTheRoutingTableShowsTheChainAndBudgetItReallyUses() throws Exception {
        RoutingSettings noChain = new RoutingSettings(List.of(), Map.of(), 0, Duration.ofMinutes(2), Map.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(90), Duration.ofMinutes(3));
        ModelManagementConfig config = new ModelManagementConfig("c0123456789ab", new FlowDefaults(Map.of()),
                CONFIG.catalog(), noChain);
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.APPLIED, config, NOW, List.of());
        ActiveRouting active = new ActiveRouting(noChain, "c0123456789ab", List.of(ModelRef.parse("openai-codex/gpt-5.3-codex"),
                ModelRef.parse("openai/gpt-5.2"), ModelRef.parse("openai/gpt-5o")), "policy openai-first", 4);
        ConfigCommands commands = commands(status, null, routerWith(active));
        String text = commands.config(false);
        assertThat(text).contains(
                "router             running, config version c0123456789ab" + System.lineSeparator(),
                "fallbackChain      openai-codex/gpt-5.3-codex -> openai/gpt-5.2 -> openai/gpt-5o (policy openai-first)",
                "attemptBudget      4 (default: 1 + chain length)",
                "firstTokenTimeout  PT10S",
                "stallTimeout       PT15S",
                "attemptTimeout     PT1M30S",
                "runDeadline        PT2M",
                "cooldownMax        PT3M");
        assertThat(text).doesNotContain("(none)");

        JsonNode json = new ObjectMapper().readTree(commands.config(true));
        JsonNode router = json.get("router");
        assertThat(router.get("running").asBoolean()).isTrue();
        assertThat(router.get("fallback_chain")).hasSize(3);
        assertThat(router.get("chain_source").asText()).isEqualTo("policy openai-first");
        assertThat(router.get("attempt_budget").asInt()).isEqualTo(4);
        assertThat(router.get("deadlines").get("first_token").asText()).isEqualTo("PT10S");
        assertThat(router.get("cooldown_max").asText()).isEqualTo("PT3M");
        assertThat(json.get("effective").get("routing").get("fallbackChain")).isEmpty();
        assertThat(json.get("effective").get("routing").get("stallTimeout").asText()).isEqualTo("PT15S");
    }

    @Test
    void aRouterOnAnOlderConfigVersionSaysSo() {
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.APPLIED, CONFIG, NOW, List.of());
        ActiveRouting older = new ActiveRouting(CONFIG.routing(), "c0000000000aa", CONFIG.routing().fallbackChain(),
                "routing.fallbackChain (no policy bound)", 3);
        assertThat(commands(status, null, routerWith(older)).config(false))
                .contains("router                   running, config version c0000000000aa (not yet the version above)",
                        "(routing.fallbackChain (no policy bound))");
        assertThat(commands(status, null, null).config(true)).contains("\"router\" : {" + System.lineSeparator()
                + "    \"running\" : false");
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
    void aFindingAboutTheWholeFileReadsFileColonRule() {
        ConfigStatus status = new ConfigStatus(FILE, ConfigStatus.State.APPLIED, CONFIG, NOW, List.of());
        Path dir = Path.of("/tmp/a-directory.jsonc");
        ConfigProblem whole = new ConfigProblem(ConfigProblem.Severity.ERROR, "$", 0, 0, "a directory, not a file: replace it");
        ConfigCommands invalid = commands(status, new ConfigCheck(dir, null, List.of(whole)));
        assertThatThrownBy(() -> invalid.configcheck(false, dir.toString()))
                .hasMessage(dir + " is invalid, 1 problem:" + System.lineSeparator() + "  " + dir + ": a directory, not a file: replace it");
    }

    @Test
    void withoutTheConfigBundleTheCommandSaysSo() {
        assertThatThrownBy(() -> new ConfigCommands(Clock.systemUTC()).config(false))
                .hasMessageStartingWith("the config bundle (dev.otto.config) is not running");
    }
}
