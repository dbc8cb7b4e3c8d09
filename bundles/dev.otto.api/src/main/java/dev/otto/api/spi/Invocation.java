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
 */
public record Invocation(String runId, String taskId, int attempt, ModelRef model, String prompt, Instant deadline) {

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
    }

    // errors are built out of line: the constructor runs per attempt, and small it is inlined by the JIT
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
                + ", prompt=<redacted " + prompt.length() + " chars>, deadline=" + deadline + "]";
    }
}
