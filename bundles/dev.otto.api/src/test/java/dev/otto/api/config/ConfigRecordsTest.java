package dev.otto.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigRecordsTest {

    static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    static final ModelRef GPT52 = ModelRef.parse("openai/gpt-5.2");
    static final ModelRef GPT5O = ModelRef.parse("openai/gpt-5o");

    @Test
    void effectiveAttemptBudgetDefaultsToOnePlusChainLength() {
        RoutingSettings chain = new RoutingSettings(List.of(CODEX, GPT52, GPT5O), Map.of(), 0, Duration.ofMinutes(10), Map.of());

        assertThat(chain.effectiveAttemptBudget()).isEqualTo(4);
        assertThat(RoutingSettings.DEFAULTS.effectiveAttemptBudget()).isEqualTo(1);
        assertThat(new RoutingSettings(List.of(CODEX, GPT52), Map.of(), 2, Duration.ofMinutes(1), Map.of())
                .effectiveAttemptBudget()).isEqualTo(2);
    }

    @Test
    void routingSettingsValidate() {
        assertThatThrownBy(() -> new RoutingSettings(List.of(), Map.of(), -1, Duration.ofMinutes(1), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("attemptBudget is -1");
        assertThatThrownBy(() -> new RoutingSettings(List.of(), Map.of(), 0, Duration.ofSeconds(-1), Map.of()))
                .hasMessageStartingWith("runDeadline is PT-1S");
        assertThatThrownBy(() -> new RoutingSettings(List.of(), Map.of(), 0, null, Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("runDeadline must not be null");
        List<ModelRef> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> new RoutingSettings(withNull, Map.of(), 0, Duration.ofMinutes(1), Map.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("fallbackChain[0] must not be null");
        assertThatThrownBy(() -> new RoutingSettings(List.of(), Map.of(), 0, Duration.ofMinutes(1),
                Map.of("open ai", RouteType.API_KEY))).hasMessageContaining("not a valid provider id");
    }

    @Test
    void routingSettingsCopyTheirInputs() {
        List<ModelRef> chain = new ArrayList<>(List.of(CODEX));
        Map<TaskType, ModelRef> policies = new HashMap<>(Map.of(TaskType.CODING, CODEX));
        Map<String, RouteType> routeTypes = new HashMap<>(Map.of("openai-codex", RouteType.SUBSCRIPTION));
        RoutingSettings settings = new RoutingSettings(chain, policies, 0, Duration.ofMinutes(10), routeTypes);
        chain.add(GPT52);
        policies.put(TaskType.ANALYSIS, GPT52);
        routeTypes.put("openai", RouteType.API_KEY);

        assertThat(settings.fallbackChain()).containsExactly(CODEX);
        assertThat(settings.taskPolicies()).containsOnlyKeys(TaskType.CODING);
        assertThat(settings.routeTypeFor("openai-codex")).contains(RouteType.SUBSCRIPTION);
        assertThat(settings.routeTypeFor("openai")).isEmpty();
        assertThat(settings.taskPolicyFor(TaskType.CODING)).contains(CODEX);
        assertThat(settings.taskPolicyFor(TaskType.GENERAL)).isEmpty();
        assertThatThrownBy(() -> settings.fallbackChain().add(GPT5O)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void flowDefaultsDropNullsAndCopy() {
        Map<Flow, ModelRef> map = new HashMap<>();
        map.put(Flow.INTERACTIVE_ASSISTANT, GPT52);
        map.put(Flow.SCHEDULED_TASKS, null);
        FlowDefaults defaults = new FlowDefaults(map);
        map.put(Flow.HEARTBEAT, GPT5O);

        assertThat(defaults.forFlow(Flow.INTERACTIVE_ASSISTANT)).contains(GPT52);
        assertThat(defaults.forFlow(Flow.SCHEDULED_TASKS)).isEmpty();
        assertThat(defaults.forFlow(Flow.HEARTBEAT)).isEmpty();
        assertThat(defaults.defaults()).containsOnlyKeys(Flow.INTERACTIVE_ASSISTANT);
        assertThat(FlowDefaults.NONE.defaults()).isEmpty();
    }

    @Test
    void catalogSettingsDefaultsAndValidation() {
        CatalogSettings d = CatalogSettings.DEFAULTS;
        assertThat(d.opencodeUrl()).isEqualTo(URI.create("http://127.0.0.1:4096"));
        assertThat(d.refreshInterval()).isEqualTo(Duration.ofHours(24));
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.totalTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxResponseBytes()).isEqualTo(64L * 1024 * 1024);

        assertThatThrownBy(() -> new CatalogSettings(URI.create("ftp://host"), d.refreshInterval(), d.connectTimeout(),
                d.totalTimeout(), 1)).hasMessageContaining("expected an absolute http or https URL");
        assertThatThrownBy(() -> new CatalogSettings(URI.create("127.0.0.1:4096"), d.refreshInterval(),
                d.connectTimeout(), d.totalTimeout(), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CatalogSettings(URI.create("http://a:b@h:1"), d.refreshInterval(),
                d.connectTimeout(), d.totalTimeout(), 1)).hasMessageContaining("credentials");
        assertThatThrownBy(() -> new CatalogSettings(d.opencodeUrl(), Duration.ZERO, d.connectTimeout(),
                d.totalTimeout(), 1)).hasMessageStartingWith("refreshInterval is PT0S");
        assertThatThrownBy(() -> new CatalogSettings(d.opencodeUrl(), d.refreshInterval(), Duration.ofSeconds(10),
                Duration.ofSeconds(5), 1)).hasMessageContaining("totalTimeout >= connectTimeout");
        assertThatThrownBy(() -> new CatalogSettings(d.opencodeUrl(), d.refreshInterval(), d.connectTimeout(),
                d.totalTimeout(), 0)).hasMessageStartingWith("maxResponseBytes is 0");
    }

    @Test
    void modelManagementDefaults() {
        ModelManagementConfig d = ModelManagementConfig.DEFAULTS;
        assertThat(d.versionId()).isEqualTo("defaults");
        assertThat(d.flowDefaults()).isEqualTo(FlowDefaults.NONE);
        assertThat(d.routing().runDeadline()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.routing().fallbackChain()).isEmpty();
        assertThatThrownBy(() -> new ModelManagementConfig(" ", FlowDefaults.NONE, CatalogSettings.DEFAULTS,
                RoutingSettings.DEFAULTS)).hasMessageStartingWith("versionId");
    }
}
