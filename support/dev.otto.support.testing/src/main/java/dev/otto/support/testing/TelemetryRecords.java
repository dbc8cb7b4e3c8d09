package dev.otto.support.testing;

import java.time.Instant;
import java.util.List;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;

/** Telemetry records for the sinks' tests. */
public final class TelemetryRecords {

    public static final ModelRef A = ModelRef.parse("openai/gpt-5.2");
    public static final ModelRef B = ModelRef.parse("openai-codex/gpt-5.3-codex");

    private TelemetryRecords() {
    }

    /** A run that finished at {@code at}; with a fallback A -> B if {@code fellBack}. */
    public static RunTelemetry run(String runId, String taskId, Instant at, boolean success, boolean fellBack,
            RouteType route) {
        List<ModelTransition> steps = fellBack
                ? List.of(new ModelTransition(1, A, B, ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX, at.minusMillis(5)))
                : List.of();
        return new RunTelemetry(runId, taskId, null, Flow.HEARTBEAT, null, route, ResolutionSource.FLOW_DEFAULT, A, A,
                fellBack ? B : A, steps, fellBack ? 2 : 1, success ? RunOutcome.SUCCESS : RunOutcome.FAILED,
                success ? null : ErrorClass.TIMEOUT_ERROR, 100, 20, at.minusMillis(250), at, List.of("route_type_defaulted"),
                1000, "v1");
    }

    /** A successful heartbeat run whose plan skipped models, as its audit says. */
    public static RunTelemetry skippingRun(String runId, Instant at, List<String> audit) {
        return new RunTelemetry(runId, "task-" + runId, null, Flow.HEARTBEAT, null, RouteType.API_KEY,
                ResolutionSource.FLOW_DEFAULT, A, A, A, List.of(), 1, RunOutcome.SUCCESS, null, 100, 20,
                at.minusMillis(250), at, audit, 1000, "v1");
    }

    public static RunTelemetry codingRun(String runId, Instant at) {
        return new RunTelemetry(runId, "task-" + runId, TaskType.CODING, null, 7L, RouteType.SUBSCRIPTION,
                ResolutionSource.TASK_POLICY, B, B, B, List.of(), 1, RunOutcome.SUCCESS, null, 5, 6,
                at.minusMillis(1000), at, List.of(), 0, "v2");
    }

    public static FallbackEvent event(String runId, Instant at) {
        return new FallbackEvent(runId, "task-" + runId, A, B, ReasonCode.TIMEOUT, RouteType.API_KEY,
                ErrorClass.TIMEOUT_ERROR, 1, at);
    }
}
