package dev.otto.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Wire names are contracts: these tests pin them exactly. */
class WireEnumTest {

    @Test
    void routeType() {
        assertWire(RouteType.values(), RouteType::wireName, RouteType::fromWire, "subscription", "api_key");
        assertRejects(RouteType::fromWire, "unknown route type", "subscription, api_key");
    }

    @Test
    void flow() {
        assertWire(Flow.values(), Flow::wireName, Flow::fromWire,
                "interactiveAssistant", "scheduledTasks", "heartbeat", "watchdogFailures");
        assertRejects(Flow::fromWire, "unknown flow",
                "interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures");
    }

    @Test
    void taskType() {
        assertWire(TaskType.values(), TaskType::wireName, TaskType::fromWire,
                "coding", "orchestration", "analysis", "general");
        assertRejects(TaskType::fromWire, "unknown task type", "coding, orchestration, analysis, general");
    }

    @Test
    void reasonCode() {
        assertWire(ReasonCode.values(), ReasonCode::wireName, ReasonCode::fromWire,
                "timeout", "provider_5xx", "capacity", "policy_override", "none");
        assertRejects(ReasonCode::fromWire, "unknown reason code",
                "timeout, provider_5xx, capacity, policy_override, none");
    }

    @Test
    void resolutionSource() {
        assertWire(ResolutionSource.values(), ResolutionSource::wireName, ResolutionSource::fromWire,
                "job", "user_override", "flow_default", "task_policy", "global_default", "unavailable_fallback");
        assertRejects(ResolutionSource::fromWire, "unknown resolution source",
                "job, user_override, flow_default, task_policy, global_default, unavailable_fallback");
    }

    @Test
    void runOutcome() {
        assertWire(RunOutcome.values(), RunOutcome::wireName, RunOutcome::fromWire, "success", "failed", "timed_out");
        assertRejects(RunOutcome::fromWire, "unknown run outcome", "success, failed, timed_out");
    }

    @Test
    void fromWireIsExactAndCaseSensitive() {
        assertThatThrownBy(() -> Flow.fromWire("HEARTBEAT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouteType.fromWire("API_KEY")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReasonCode.fromWire(" timeout")).isInstanceOf(IllegalArgumentException.class);
    }

    private static <E extends Enum<E>> void assertWire(E[] values, Function<E, String> wireName,
            Function<String, E> fromWire, String... expected) {
        assertThat(Arrays.stream(values).map(wireName)).containsExactly(expected);
        for (E value : values) {
            assertThat(fromWire.apply(wireName.apply(value))).isSameAs(value);
        }
    }

    private static void assertRejects(Function<String, ?> fromWire, String prefix, String accepted) {
        assertThatThrownBy(() -> fromWire.apply("bogus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(prefix + " \"bogus\": expected one of " + accepted);
        assertThatThrownBy(() -> fromWire.apply(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(prefix + " null: expected one of " + accepted);
    }
}
