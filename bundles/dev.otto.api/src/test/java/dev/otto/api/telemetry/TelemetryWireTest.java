package dev.otto.api.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryWireTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");
    static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    static final ModelRef GPT52 = ModelRef.parse("openai/gpt-5.2");

    static ModelTransition step() {
        return new ModelTransition(1, CODEX, GPT52, ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR, T0);
    }

    static RunTelemetry run(List<ModelTransition> transitions, List<String> audit) {
        return new RunTelemetry("run-1", "task-1", TaskType.CODING, null, null, RouteType.API_KEY,
                ResolutionSource.TASK_POLICY, CODEX, CODEX, GPT52, transitions, 2, RunOutcome.SUCCESS, null, 100, 50,
                T0, T0.plusMillis(1500), audit, 3_600_000, "cfg-abc");
    }

    @Test
    void fallbackEventWireKeysAndValues() {
        FallbackEvent event = FallbackEvent.of("run-1", "task-1", RouteType.SUBSCRIPTION, step());
        Map<String, Object> wire = event.toWire();

        assertThat(wire.keySet()).containsExactly(
                "event", "task_id", "from", "to", "reason", "route_type", "error_class", "attempt", "ts", "run_id");
        assertThat(wire.keySet()).containsExactlyElementsOf(FallbackEvent.WIRE_KEYS);
        assertThat(wire).containsEntry("event", "model_fallback")
                .containsEntry("from", "openai-codex/gpt-5.3-codex")
                .containsEntry("to", "openai/gpt-5.2")
                .containsEntry("reason", "timeout")
                .containsEntry("route_type", "subscription")
                .containsEntry("error_class", "TimeoutError")
                .containsEntry("attempt", 1)
                .containsEntry("ts", "2026-01-01T00:00:00.123Z");
        assertThat(event.type()).isEqualTo("model_fallback");
        assertThat(event.transition()).isEqualTo(step());
        assertThatThrownBy(() -> wire.put("prompt", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void runTelemetryWireKeysAndValues() {
        Map<String, Object> wire = run(List.of(step()), List.of(PolicyAudit.ROUTE_TYPE_DEFAULTED)).toWire();

        assertThat(wire.keySet()).containsExactly("event", "run_id", "task_id", "task_type", "flow", "job_id",
                "route_type", "resolution_source", "requested_model", "selected_model", "final_model", "transitions",
                "attempt_count", "outcome", "error_class", "tokens_in", "tokens_out", "started_at", "finished_at",
                "duration_ms", "policy_audit", "catalog_age_ms", "config_version");
        assertThat(wire.keySet()).containsExactlyElementsOf(RunTelemetry.WIRE_KEYS);
        assertThat(wire).containsEntry("event", "run")
                .containsEntry("task_type", "coding")
                .containsEntry("flow", null)
                .containsEntry("job_id", null)
                .containsEntry("resolution_source", "task_policy")
                .containsEntry("final_model", "openai/gpt-5.2")
                .containsEntry("outcome", "success")
                .containsEntry("error_class", null)
                .containsEntry("duration_ms", 1500L)
                .containsEntry("tokens_in", 100L)
                .containsEntry("started_at", "2026-01-01T00:00:00.123Z")
                .containsEntry("policy_audit", List.of("route_type_defaulted"))
                .containsEntry("config_version", "cfg-abc");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> transitions = (List<Map<String, Object>>) wire.get("transitions");
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).keySet()).containsExactly("attempt", "from", "to", "reason", "error_class", "at");
    }

    @Test
    void wireValuesAreOnlyPlainTypes() {
        assertPlain(run(List.of(step()), List.of()).toWire());
        assertPlain(FallbackEvent.of("r", "t", RouteType.API_KEY, step()).toWire());
    }

    private static void assertPlain(Object value) {
        if (value instanceof Map<?, ?> map) {
            map.values().forEach(TelemetryWireTest::assertPlain);
        } else if (value instanceof List<?> list) {
            list.forEach(TelemetryWireTest::assertPlain);
        } else if (value != null) {
            assertThat(value).isInstanceOfAny(String.class, Long.class, Integer.class, Boolean.class);
        }
    }

    @Test
    void runTelemetryCopiesItsLists() {
        List<ModelTransition> transitions = new ArrayList<>(List.of(step()));
        List<String> audit = new ArrayList<>(List.of("model_unavailable"));
        RunTelemetry telemetry = run(transitions, audit);
        transitions.clear();
        audit.add("policy_override");

        assertThat(telemetry.transitions()).hasSize(1);
        assertThat(telemetry.policyAudit()).containsExactly("model_unavailable");
    }

    @Test
    void runTelemetryValidates() {
        assertThatThrownBy(() -> run(List.of(), List.of("Route type defaulted")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        assertThatThrownBy(() -> new RunTelemetry("r", "t", TaskType.CODING, Flow.HEARTBEAT, null, RouteType.API_KEY,
                null, null, null, null, List.of(), 0, RunOutcome.FAILED, ErrorClass.UNKNOWN, 0, 0, T0, T0, List.of(), 0,
                "v")).hasMessageContaining("exactly one of taskType and flow");
        assertThatThrownBy(() -> new RunTelemetry("r", "t", null, Flow.HEARTBEAT, null, RouteType.API_KEY,
                null, null, null, null, List.of(), 0, RunOutcome.SUCCESS, null, 0, 0, T0, T0, List.of(), 0, "v"))
                .hasMessageContaining("success needs at least one attempt");
        assertThatThrownBy(() -> new RunTelemetry("r", "t", null, Flow.HEARTBEAT, null, RouteType.API_KEY,
                null, null, null, null, List.of(), 0, RunOutcome.FAILED, null, 0, 0, T0, T0.minusSeconds(1), List.of(),
                0, "v")).hasMessageContaining("is before startedAt");
        assertThatThrownBy(() -> new RunTelemetry("r", "t", null, Flow.HEARTBEAT, null, RouteType.API_KEY,
                ResolutionSource.FLOW_DEFAULT, GPT52, GPT52, GPT52, List.of(step()), 1, RunOutcome.SUCCESS, null, 0, 0,
                T0, T0, List.of(), 0, "v")).hasMessageContaining("at most attemptCount - 1");
        assertThatThrownBy(() -> new RunTelemetry("r", "t", null, Flow.HEARTBEAT, 0L, RouteType.API_KEY,
                null, null, null, null, List.of(), 0, RunOutcome.FAILED, null, 0, 0, T0, T0, List.of(), 0, "v"))
                .hasMessageStartingWith("jobId is 0");
        assertThatThrownBy(() -> new ModelTransition(1, GPT52, GPT52, ReasonCode.TIMEOUT, ErrorClass.UNKNOWN, T0))
                .hasMessageContaining("to itself");
    }

    @Test
    void unresolvedRunIsRecordable() {
        RunTelemetry telemetry = new RunTelemetry("r", "t", null, Flow.HEARTBEAT, 9L, RouteType.API_KEY, null, null,
                null, null, List.of(), 0, RunOutcome.FAILED, ErrorClass.of("NoModelAvailable"), 0, 0, T0, T0,
                List.of(PolicyAudit.ROUTE_TYPE_DEFAULTED), 0, "defaults");

        assertThat(telemetry.toWire()).containsEntry("flow", "heartbeat").containsEntry("job_id", 9L)
                .containsEntry("final_model", null).containsEntry("error_class", "NoModelAvailable");
    }

    @Test
    void otelAttributeNames() {
        assertThat(RunTelemetry.OTEL_ATTRIBUTES)
                .containsEntry("requested_model", "gen_ai.request.model")
                .containsEntry("final_model", "gen_ai.response.model")
                .containsEntry("tokens_in", "gen_ai.usage.input_tokens")
                .containsEntry("tokens_out", "gen_ai.usage.output_tokens");
        assertThat(RunTelemetry.WIRE_KEYS).containsAll(RunTelemetry.OTEL_ATTRIBUTES.keySet());
    }
}
