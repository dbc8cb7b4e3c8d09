package dev.otto.api.routing;

import dev.otto.api.model.Flow;
import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A request to run one prompt through the router.
 *
 * <p>A run is either part of a {@link Flow} or of a {@link TaskType}: exactly one of {@code flow}
 * and {@code taskType} is set (two nullable components rather than a sealed type, because they map
 * one-to-one onto the {@code flow} and {@code task_type} telemetry fields). Start with
 * {@link #forFlow} or {@link #forTask} and add the optional parts with the {@code with...} methods.
 * {@code toString()} redacts the prompt.
 *
 * @param taskId the caller's id of the task, recorded in telemetry; an id, not text (see {@link Ids})
 * @param flow the flow, or null if {@code taskType} is set
 * @param taskType the task type, or null if {@code flow} is set
 * @param jobId the job this run belongs to, or null; positive
 * @param jobModelRef the job's own model, or null
 * @param userOverride a model the user explicitly chose for this run, or null
 * @param routeType how the run is paid for, or null if unknown (then {@code api_key} is assumed and
 *     audited)
 * @param prompt the prompt; non-blank; never logged
 * @param deadline the longest the whole run may take, or null for the configured run deadline;
 *     positive
 */
public record RunRequest(
        String taskId,
        Flow flow,
        TaskType taskType,
        Long jobId,
        ModelRef jobModelRef,
        ModelRef userOverride,
        RouteType routeType,
        String prompt,
        Duration deadline) {

    /** Validates the fields and the exactly-one-of rule for {@code flow} and {@code taskType}. */
    public RunRequest {
        Ids.require(taskId, "taskId");
        if ((flow == null) == (taskType == null)) {
            throw new IllegalArgumentException("exactly one of flow and taskType must be set, got flow="
                    + (flow == null ? null : flow.wireName()) + " and taskType="
                    + (taskType == null ? null : taskType.wireName()));
        }
        if (jobId != null && jobId <= 0) {
            throw new IllegalArgumentException("jobId is " + jobId + ": expected a positive job id or null");
        }
        Objects.requireNonNull(prompt, "prompt must not be null");
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException(
                    "deadline is " + deadline + ": expected a positive duration, or null for the configured one");
        }
    }

    /**
     * Starts a request for a run of a flow.
     *
     * @param flow the flow
     * @param taskId the task id
     * @param prompt the prompt
     * @return a request with no job, override, route type or deadline
     */
    public static RunRequest forFlow(Flow flow, String taskId, String prompt) {
        Objects.requireNonNull(flow, "flow must not be null");
        return new RunRequest(taskId, flow, null, null, null, null, null, prompt, null);
    }

    /**
     * Starts a request for a run of a task type.
     *
     * @param taskType the task type
     * @param taskId the task id
     * @param prompt the prompt
     * @return a request with no job, override, route type or deadline
     */
    public static RunRequest forTask(TaskType taskType, String taskId, String prompt) {
        Objects.requireNonNull(taskType, "taskType must not be null");
        return new RunRequest(taskId, null, taskType, null, null, null, null, prompt, null);
    }

    /**
     * Returns a copy that belongs to a job.
     *
     * @param newJobId the job id, positive
     * @param newJobModelRef the job's own model, or null if it has none
     * @return the copy
     */
    public RunRequest withJob(long newJobId, ModelRef newJobModelRef) {
        return new RunRequest(taskId, flow, taskType, newJobId, newJobModelRef, userOverride, routeType, prompt,
                deadline);
    }

    /**
     * Returns a copy with an explicit user override.
     *
     * @param model the model the user chose, or null for none
     * @return the copy
     */
    public RunRequest withUserOverride(ModelRef model) {
        return new RunRequest(taskId, flow, taskType, jobId, jobModelRef, model, routeType, prompt, deadline);
    }

    /**
     * Returns a copy with a known route type.
     *
     * @param type the route type, or null if unknown
     * @return the copy
     */
    public RunRequest withRouteType(RouteType type) {
        return new RunRequest(taskId, flow, taskType, jobId, jobModelRef, userOverride, type, prompt, deadline);
    }

    /**
     * Returns a copy with its own deadline.
     *
     * @param runDeadline the longest the run may take, or null for the configured one
     * @return the copy
     */
    public RunRequest withDeadline(Duration runDeadline) {
        return new RunRequest(taskId, flow, taskType, jobId, jobModelRef, userOverride, routeType, prompt,
                runDeadline);
    }

    /**
     * Returns the flow.
     *
     * @return the flow, or empty if this is a task-type run
     */
    public Optional<Flow> findFlow() {
        return Optional.ofNullable(flow);
    }

    /**
     * Returns the task type.
     *
     * @return the task type, or empty if this is a flow run
     */
    public Optional<TaskType> findTaskType() {
        return Optional.ofNullable(taskType);
    }

    /** Redacts the prompt: prompts are user content and never appear in logs. */
    @Override
    public String toString() {
        return "RunRequest[taskId=" + taskId
                + (flow != null ? ", flow=" + flow.wireName() : ", taskType=" + taskType.wireName())
                + ", jobId=" + jobId + ", jobModelRef=" + jobModelRef + ", userOverride=" + userOverride
                + ", routeType=" + (routeType == null ? null : routeType.wireName())
                + ", prompt=<redacted " + prompt.length() + " chars>, deadline=" + deadline + "]";
    }
}
