package dev.otto.api.spi;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt handed to a {@link ModelInvoker}. {@code toString()} redacts the prompt.
 *
 * @param runId the run's id, for correlation in the invoker's logs
 * @param taskId the caller's task id
 * @param attempt the attempt number, from 1
 * @param model the model to run
 * @param prompt the prompt; non-blank; never logged
 * @param deadline when the invoker must have returned or thrown; it must abort provider-side work
 *     (e.g. an OpenCode session retrying without end) by then
 * @param firstTokenTimeout how long the invoker waits for the provider's first output (a streamed
 *     token, or the whole answer of a provider that does not stream) before it fails the attempt
 *     with {@link InvocationFailure.Kind#FIRST_TOKEN_TIMEOUT}; positive
 * @param stallTimeout how long the output may pause once it has begun before the invoker fails the
 *     attempt with {@link InvocationFailure.Kind#STALL_TIMEOUT}; positive
 */
public record Invocation(String runId, String taskId, int attempt, ModelRef model, String prompt, Instant deadline,
        Duration firstTokenTimeout, Duration stallTimeout) {

    /**
     * An invocation bounded by its deadline alone: the first-token and stall timeouts are as long
     * as the time from now to the deadline.
     *
     * @param runId the run id
     * @param taskId the task id
     * @param attempt the attempt number
     * @param model the model
     * @param prompt the prompt
     * @param deadline the deadline
     */
    public Invocation(String runId, String taskId, int attempt, ModelRef model, String prompt, Instant deadline) {
        this(runId, taskId, attempt, model, prompt, deadline, untilDeadline(deadline), untilDeadline(deadline));
    }

    /** Validates the fields. */
    public Invocation {
        Ids.require(runId, "runId");
        Ids.require(taskId, "taskId");
        if (attempt < 1) {
            throw badAttempt(attempt);
        }
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(prompt, "prompt must not be null");
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        Objects.requireNonNull(deadline, "deadline must not be null");
        requirePositive(firstTokenTimeout, "firstTokenTimeout");
        requirePositive(stallTimeout, "stallTimeout");
    }

    private static Duration untilDeadline(Instant deadline) {
        Duration left = Duration.between(Instant.now(), Objects.requireNonNull(deadline, "deadline must not be null"));
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is " + value + ": expected a positive duration");
        }
    }

    private static IllegalArgumentException badAttempt(int attempt) {
        return new IllegalArgumentException("attempt is " + attempt + ": expected an attempt number >= 1");
    }

    /**
     * Returns the time left until the deadline.
     *
     * @param now the current time
     * @return the time left, zero if the deadline has passed
     */
    public Duration remaining(Instant now) {
        Duration left = Duration.between(Objects.requireNonNull(now, "now must not be null"), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Redacts the prompt: prompts are user content and never appear in logs. */
    @Override
    public String toString() {
        return "Invocation[runId=" + runId + ", taskId=" + taskId + ", attempt=" + attempt + ", model=" + model
                + ", prompt=<redacted " + prompt.length() + " chars>, deadline=" + deadline
                + ", firstTokenTimeout=" + firstTokenTimeout + ", stallTimeout=" + stallTimeout + "]";
    }
}
