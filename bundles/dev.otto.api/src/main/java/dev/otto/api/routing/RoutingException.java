package dev.otto.api.routing;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A routed run ended without an answer. Carries the attempts made and the final classification;
 * the message is built from those values only (ids, model references, reason codes, error class
 * names), so it never contains prompt text or provider messages.
 */
public class RoutingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String taskId;
    private final RunOutcome outcome;
    // Exceptions are never serialized in Otto; transient keeps the non-serializable records out.
    private final transient List<Attempt> attempts;
    private final transient ReasonCode finalReason;
    private final transient ErrorClass finalErrorClass;
    private final transient Resolution resolution;
    private final transient List<SkippedModel> skipped;

    /**
     * Creates the exception.
     *
     * @param runId the run's id
     * @param taskId the task's id
     * @param outcome {@link RunOutcome#FAILED} or {@link RunOutcome#TIMED_OUT}
     * @param attempts the attempts made, possibly none (e.g. no model could be resolved); copied
     * @param finalReason the reason code of the failure that ended the run
     * @param finalErrorClass the error class of that failure
     * @param cause the underlying exception (e.g. a {@link NoModelAvailableException} or the last
     *     invocation failure), or null; its message is not copied into this one
     */
    public RoutingException(String runId, String taskId, RunOutcome outcome, List<Attempt> attempts,
            ReasonCode finalReason, ErrorClass finalErrorClass, Throwable cause) {
        this(runId, taskId, null, outcome, attempts, List.of(), finalReason, finalErrorClass, cause);
    }

    /**
     * Creates the exception with the run's resolution and skipped models.
     *
     * @param runId the run's id
     * @param taskId the task's id
     * @param resolution how the first model was chosen, or null if nothing resolved
     * @param outcome {@link RunOutcome#FAILED} or {@link RunOutcome#TIMED_OUT}
     * @param attempts the attempts made, possibly none; copied
     * @param skipped the models not tried, and why; copied
     * @param finalReason the reason code of the failure that ended the run
     * @param finalErrorClass the error class of that failure
     * @param cause the underlying exception, or null; its message is not copied into this one
     */
    public RoutingException(String runId, String taskId, Resolution resolution, RunOutcome outcome,
            List<Attempt> attempts, List<SkippedModel> skipped, ReasonCode finalReason, ErrorClass finalErrorClass,
            Throwable cause) {
        super(message(runId, taskId, outcome, attempts, finalReason, finalErrorClass), cause);
        this.runId = runId;
        this.taskId = taskId;
        this.resolution = resolution;
        this.outcome = outcome;
        this.attempts = List.copyOf(attempts);
        this.skipped = List.copyOf(skipped);
        this.finalReason = finalReason;
        this.finalErrorClass = finalErrorClass;
    }

    /**
     * Returns how the run's first model was chosen.
     *
     * @return the resolution, or empty if no model resolved
     */
    public Optional<Resolution> resolution() {
        return Optional.ofNullable(resolution);
    }

    /**
     * Returns the models the run did not try, and why.
     *
     * @return the skipped models in plan order; unmodifiable
     */
    public List<SkippedModel> skipped() {
        return skipped == null ? List.of() : skipped;
    }

    /**
     * Returns the run id.
     *
     * @return the run's id, as in its telemetry
     */
    public String runId() {
        return runId;
    }

    /**
     * Returns the task id.
     *
     * @return the caller's task id
     */
    public String taskId() {
        return taskId;
    }

    /**
     * Returns how the run ended.
     *
     * @return {@link RunOutcome#FAILED} or {@link RunOutcome#TIMED_OUT}
     */
    public RunOutcome outcome() {
        return outcome;
    }

    /**
     * Returns the attempts made.
     *
     * @return the attempts in order, possibly empty; unmodifiable
     */
    public List<Attempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }

    /**
     * Returns the reason code of the failure that ended the run.
     *
     * @return the reason code, never {@link ReasonCode#NONE}
     */
    public ReasonCode finalReason() {
        return finalReason;
    }

    /**
     * Returns the error class of the failure that ended the run.
     *
     * @return the error class
     */
    public ErrorClass finalErrorClass() {
        return finalErrorClass;
    }

    /**
     * Returns the model of the last attempt.
     *
     * @return the last model tried, or null if no attempt was made
     */
    public ModelRef lastModel() {
        List<Attempt> made = attempts();
        return made.isEmpty() ? null : made.get(made.size() - 1).model();
    }

    private static String message(String runId, String taskId, RunOutcome outcome, List<Attempt> attempts,
            ReasonCode finalReason, ErrorClass finalErrorClass) {
        Ids.require(runId, "runId");
        Ids.require(taskId, "taskId");
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(attempts, "attempts must not be null");
        Objects.requireNonNull(finalReason, "finalReason must not be null");
        Objects.requireNonNull(finalErrorClass, "finalErrorClass must not be null");
        if (outcome == RunOutcome.SUCCESS) {
            throw new IllegalArgumentException("outcome of a RoutingException must not be success");
        }
        if (finalReason == ReasonCode.NONE) {
            throw new IllegalArgumentException("finalReason of a RoutingException must not be none");
        }
        String verb = outcome == RunOutcome.TIMED_OUT ? "timed out" : "failed";
        String tried = attempts.isEmpty()
                ? "before any attempt"
                : "after " + attempts.size() + (attempts.size() == 1 ? " attempt" : " attempts")
                        + ", last model " + attempts.get(attempts.size() - 1).model();
        return "run " + runId + " (task " + taskId + ") " + verb + " " + tried + ": " + finalReason.wireName()
                + " (" + finalErrorClass + ")";
    }
}
