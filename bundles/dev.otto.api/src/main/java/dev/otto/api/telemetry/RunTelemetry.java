package dev.otto.api.telemetry;

import dev.otto.api.model.Flow;
import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one telemetry record of a routed run, written when the run ends, whatever the outcome.
 *
 * @param runId the run's id
 * @param taskId the caller's task id
 * @param taskType the task type, or null for a flow run; exactly one of {@code taskType} and
 *     {@code flow} is set
 * @param flow the flow, or null for a task-type run
 * @param jobId the job, or null; positive
 * @param routeType the route type in force (after defaulting to {@code api_key})
 * @param resolutionSource which rule chose the first model, or null if no model could be resolved
 * @param requestedModel the model precedence chose, before the availability check; null if nothing
 *     was configured and OpenCode had no global default
 * @param selectedModel the model of the first attempt (after the availability check), or null if
 *     no model could be resolved
 * @param finalModel the model of the last attempt, or null if no attempt was made
 * @param transitions the steps from model to model, in order; copied
 * @param attemptCount attempts made, {@code >= 0}; 0 exactly when {@code finalModel} is null
 * @param outcome how the run ended
 * @param errorClass the error class of the failure that ended the run, or null (normally on
 *     success)
 * @param tokensIn input tokens over all attempts
 * @param tokensOut output tokens over all attempts
 * @param startedAt when the run started
 * @param finishedAt when it ended; not before {@code startedAt}
 * @param policyAudit policy decisions taken, as {@link PolicyAudit} tokens; copied
 * @param catalogAgeMs age of the catalog snapshot used, in milliseconds
 * @param configVersion the version id of the configuration used
 */
public record RunTelemetry(
        String runId,
        String taskId,
        TaskType taskType,
        Flow flow,
        Long jobId,
        RouteType routeType,
        ResolutionSource resolutionSource,
        ModelRef requestedModel,
        ModelRef selectedModel,
        ModelRef finalModel,
        List<ModelTransition> transitions,
        int attemptCount,
        RunOutcome outcome,
        ErrorClass errorClass,
        long tokensIn,
        long tokensOut,
        Instant startedAt,
        Instant finishedAt,
        List<String> policyAudit,
        long catalogAgeMs,
        String configVersion) implements TelemetryRecord {

    /** The {@code event} value of this record. */
    public static final String TYPE = "run";

    /** Wire keys of {@link #toWire()}, in order. */
    public static final List<String> WIRE_KEYS = List.of(
            "event", "run_id", "task_id", "task_type", "flow", "job_id", "route_type", "resolution_source",
            "requested_model", "selected_model", "final_model", "transitions", "attempt_count", "outcome",
            "error_class", "tokens_in", "tokens_out", "started_at", "finished_at", "duration_ms", "policy_audit",
            "catalog_age_ms", "config_version");

    /**
     * OpenTelemetry GenAI (and general) semantic-convention attribute names of the wire keys that
     * have one, for OTel exporters. {@code gen_ai.provider.name} has no key of its own: it is the
     * provider part of {@code final_model}.
     */
    public static final Map<String, String> OTEL_ATTRIBUTES = otelAttributes();

    /** Validates the fields and their consistency, and copies the lists. */
    public RunTelemetry {
        Ids.require(runId, "runId");
        Ids.require(taskId, "taskId");
        if ((taskType == null) == (flow == null)) {
            throw new IllegalArgumentException("exactly one of taskType and flow must be set, got taskType="
                    + (taskType == null ? null : taskType.wireName()) + " and flow="
                    + (flow == null ? null : flow.wireName()));
        }
        if (jobId != null && jobId <= 0) {
            throw new IllegalArgumentException("jobId is " + jobId + ": expected a positive job id or null");
        }
        Objects.requireNonNull(routeType, "routeType must not be null (default it to api_key and audit)");
        Objects.requireNonNull(transitions, "transitions must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(startedAt, "startedAt must not be null");
        Objects.requireNonNull(finishedAt, "finishedAt must not be null");
        Objects.requireNonNull(policyAudit, "policyAudit must not be null");
        transitions = List.copyOf(transitions);
        List<String> audit = new ArrayList<>(policyAudit.size());
        for (String entry : policyAudit) {
            audit.add(PolicyAudit.require(entry));
        }
        policyAudit = List.copyOf(audit);
        if (attemptCount < 0) {
            throw new IllegalArgumentException("attemptCount is " + attemptCount + ": expected >= 0");
        }
        if ((attemptCount == 0) != (finalModel == null)) {
            throw new IllegalArgumentException("attemptCount is " + attemptCount + " and finalModel is " + finalModel
                    + ": expected finalModel null exactly when no attempt was made");
        }
        if (selectedModel == null && attemptCount > 0) {
            throw new IllegalArgumentException(
                    "selectedModel must be set when attempts were made (attemptCount " + attemptCount + ")");
        }
        if (transitions.size() > Math.max(0, attemptCount - 1)) {
            throw new IllegalArgumentException("there are " + transitions.size() + " transitions for "
                    + attemptCount + " attempts: expected at most attemptCount - 1");
        }
        if (outcome == RunOutcome.SUCCESS && attemptCount == 0) {
            throw new IllegalArgumentException("outcome success needs at least one attempt");
        }
        if (tokensIn < 0 || tokensOut < 0) {
            throw new IllegalArgumentException(
                    "tokens are " + tokensIn + " in, " + tokensOut + " out: expected >= 0");
        }
        if (finishedAt.isBefore(startedAt)) {
            throw new IllegalArgumentException(
                    "finishedAt " + finishedAt + " is before startedAt " + startedAt);
        }
        if (catalogAgeMs < 0) {
            throw new IllegalArgumentException("catalogAgeMs is " + catalogAgeMs + ": expected >= 0");
        }
        Ids.require(configVersion, "configVersion");
    }

    /**
     * Returns how long the run took.
     *
     * @return {@code finishedAt - startedAt}
     */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** Returns {@value #TYPE}. */
    @Override
    public String type() {
        return TYPE;
    }

    /** Returns the wire form with keys {@link #WIRE_KEYS}, in that order. */
    @Override
    public Map<String, Object> toWire() {
        List<Map<String, Object>> steps = new ArrayList<>(transitions.size());
        for (ModelTransition transition : transitions) {
            steps.add(transition.toWire());
        }
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("event", TYPE);
        map.put("run_id", runId);
        map.put("task_id", taskId);
        map.put("task_type", taskType == null ? null : taskType.wireName());
        map.put("flow", flow == null ? null : flow.wireName());
        map.put("job_id", jobId);
        map.put("route_type", routeType.wireName());
        map.put("resolution_source", resolutionSource == null ? null : resolutionSource.wireName());
        map.put("requested_model", Wire.string(requestedModel));
        map.put("selected_model", Wire.string(selectedModel));
        map.put("final_model", Wire.string(finalModel));
        map.put("transitions", Collections.unmodifiableList(steps));
        map.put("attempt_count", attemptCount);
        map.put("outcome", outcome.wireName());
        map.put("error_class", Wire.string(errorClass));
        map.put("tokens_in", tokensIn);
        map.put("tokens_out", tokensOut);
        map.put("started_at", Wire.timestamp(startedAt));
        map.put("finished_at", Wire.timestamp(finishedAt));
        map.put("duration_ms", duration().toMillis());
        map.put("policy_audit", policyAudit);
        map.put("catalog_age_ms", catalogAgeMs);
        map.put("config_version", configVersion);
        return Wire.freeze(map);
    }

    private static Map<String, String> otelAttributes() {
        LinkedHashMap<String, String> map = new LinkedHashMap<>();
        map.put("requested_model", "gen_ai.request.model");
        map.put("final_model", "gen_ai.response.model");
        map.put("tokens_in", "gen_ai.usage.input_tokens");
        map.put("tokens_out", "gen_ai.usage.output_tokens");
        map.put("error_class", "error.type");
        return Collections.unmodifiableMap(map);
    }
}
