package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunDeadlines;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.support.testing.MutableClock;

class RoutingCommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef A = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef B = ModelRef.parse("openai-codex/gpt-5.3-codex");
    private static final ModelRef C = ModelRef.parse("openai/gpt-5o");
    private static final ModelRef D = ModelRef.parse("openai/gpt-5.4-mini");
    private static final RunDeadlines DEADLINES = new RunDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(20),
            Duration.ofMinutes(5), Duration.ofMinutes(10));

    private static final RoutePlan PLAN = new RoutePlan(Resolution.of(A, ResolutionSource.TASK_POLICY), null,
            "task policy coding names openai/gpt-5.2", List.of(A, B),
            List.of(SkippedModel.notInCatalog(C),
                    new SkippedModel(D, SkipReason.COOLING_DOWN, ErrorClass.RATE_LIMITED, NOW.plusSeconds(102))),
            RouteType.API_KEY, List.of("route_type_defaulted", "chain_model_unavailable", "model_cooling_down"),
            "5d41402abc4b", DEADLINES);

    private static RoutingCommands commands(RoutePlan plan, AtomicReference<RunRequest> seen) {
        ModelRouter router = new ModelRouter() {
            @Override
            public RunResult run(RunRequest request) {
                throw new AssertionError("a plan runs nothing");
            }

            @Override
            public RoutePlan plan(RunRequest request) {
                seen.set(request);
                return plan;
            }

            @Override
            public ActiveRouting active() {
                return new ActiveRouting(RoutingSettings.DEFAULTS, "c1", List.of(), "none", 1);
            }
        };
        return new RoutingCommands(router, null, null, new MutableClock(NOW));
    }

    @Test
    void thePlanShowsResolutionAttemptsSkipsThenRouteAuditSnapshotAndDeadlines() {
        AtomicReference<RunRequest> seen = new AtomicReference<>();
        String text = commands(PLAN, seen).plan("coding", "", "", "", false);
        assertThat(seen.get().taskType()).isEqualTo(TaskType.CODING);
        assertThat(text.lines()).containsExactly(
                "resolved openai/gpt-5.2 (task_policy): task policy coding names openai/gpt-5.2",
                "",
                "ATTEMPT  MODEL",
                "1        openai/gpt-5.2",
                "2        openai-codex/gpt-5.3-codex",
                "",
                "SKIPPED              REASON          ERROR CLASS  UNTIL",
                "openai/gpt-5o        not_in_catalog  -            -",
                "openai/gpt-5.4-mini  cooling_down    RateLimited  2026-11-21T12:01:42Z (in 1m42s)",
                "",
                "PLAN              VALUE",
                "route type        api_key",
                "audit             route_type_defaulted, chain_model_unavailable, model_cooling_down",
                "catalog snapshot  5d41402abc4b",
                "deadlines         first token 30s, stall 20s, attempt 5m, run 10m");
    }

    @Test
    void aRequestedModelTheCatalogLacksIsNamedAndAPlanWithNothingToTrySaysSo() {
        ModelRef global = ModelRef.parse("stub/echo-1");
        RoutePlan plan = new RoutePlan(Resolution.of(global, ResolutionSource.UNAVAILABLE_FALLBACK),
                ModelRef.parse("openai/gpt-9"), "override openai/gpt-9 is not in the catalog", List.of(),
                List.of(new SkippedModel(global, SkipReason.COOLING_DOWN, ErrorClass.RATE_LIMITED, NOW.plusSeconds(5))),
                RouteType.API_KEY, List.of("model_unavailable", "all_cooling_down"), "s1", DEADLINES);
        String text = commands(plan, new AtomicReference<>()).plan("", "interactiveAssistant", "openai/gpt-9", "", false);
        assertThat(text).contains(
                "requested openai/gpt-9, which is not in the catalog: the run begins with the global default instead",
                "No model to try now: every candidate is skipped (see below).",
                "stub/echo-1  cooling_down  RateLimited  2026-11-21T12:00:05Z (in 5s)");
    }

    @Test
    void thePlanAsJsonHasTheSameFacts() throws Exception {
        JsonNode json = new ObjectMapper().readTree(commands(PLAN, new AtomicReference<>()).plan("coding", "", "", "", true));
        assertThat(json.get("resolution").get("source").asText()).isEqualTo("task_policy");
        assertThat(json.get("resolution").get("requested_model").isNull()).isTrue();
        assertThat(json.get("attempts").toString()).isEqualTo("[\"openai/gpt-5.2\",\"openai-codex/gpt-5.3-codex\"]");
        JsonNode cooling = json.get("skipped").get(1);
        assertThat(cooling.get("model").asText()).isEqualTo("openai/gpt-5.4-mini");
        assertThat(cooling.get("reason").asText()).isEqualTo("cooling_down");
        assertThat(cooling.get("error_class").asText()).isEqualTo("RateLimited");
        assertThat(cooling.get("until").asText()).isEqualTo("2026-11-21T12:01:42Z");
        assertThat(json.get("skipped").get(0).get("until").isNull()).isTrue();
        assertThat(json.get("catalog_snapshot_id").asText()).isEqualTo("5d41402abc4b");
        assertThat(json.get("deadlines").toString())
                .isEqualTo("{\"first_token\":\"PT30S\",\"stall\":\"PT20S\",\"attempt\":\"PT5M\",\"run\":\"PT10M\"}");
        assertThat(json.get("policy_audit").get(2).asText()).isEqualTo("model_cooling_down");
    }

    @Test
    void resolveIsUnchanged() {
        String text = commands(PLAN, new AtomicReference<>()).resolve("heartbeat", 0, false);
        assertThat(text.lines()).containsExactly("RESOLUTION", "model       openai/gpt-5.2", "source      task_policy",
                "why         task policy coding names openai/gpt-5.2");
    }

    @Test
    void withoutTheRouterPlanSaysSo() {
        assertThatThrownBy(() -> new RoutingCommands(null, null, null, new MutableClock(NOW)).plan("coding", "", "", "", false))
                .hasMessage("the router (bundle dev.otto.router) is not running; 'otto:status' says why");
    }
}
