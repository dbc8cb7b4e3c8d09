package dev.otto.api.routing;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.util.List;
import java.util.Objects;

/**
 * What a routed run produced. {@code toString()} redacts the answer text.
 *
 * @param runId the router's id of this run, also in its telemetry
 * @param taskId the caller's task id
 * @param resolution how the first model was chosen
 * @param finalModel the model of the last attempt, the one that answered on success
 * @param attempts every attempt, numbered 1, 2, ... in order; not empty; copied
 * @param outcome how the run ended; {@link ModelRouter#run} returns only
 *     {@link RunOutcome#SUCCESS} results and throws {@link RoutingException} otherwise
 * @param text the answer; may be empty; never logged
 * @param tokensIn input tokens over all attempts
 * @param tokensOut output tokens over all attempts
 * @param skipped the models of the plan not tried, and why; copied
 */
public record RunResult(
        String runId,
        String taskId,
        Resolution resolution,
        ModelRef finalModel,
        List<Attempt> attempts,
        RunOutcome outcome,
        String text,
        long tokensIn,
        long tokensOut,
        List<SkippedModel> skipped) {

    /**
     * A result with no skipped models.
     *
     * @param runId the run id
     * @param taskId the task id
     * @param resolution the resolution
     * @param finalModel the model that answered
     * @param attempts the attempts
     * @param outcome the outcome
     * @param text the answer
     * @param tokensIn input tokens
     * @param tokensOut output tokens
     */
    public RunResult(String runId, String taskId, Resolution resolution, ModelRef finalModel, List<Attempt> attempts,
            RunOutcome outcome, String text, long tokensIn, long tokensOut) {
        this(runId, taskId, resolution, finalModel, attempts, outcome, text, tokensIn, tokensOut, List.of());
    }

    /** Validates the fields, the attempt numbering and that the final model is the last one tried. */
    public RunResult {
        Ids.require(runId, "runId");
        Ids.require(taskId, "taskId");
        Objects.requireNonNull(resolution, "resolution must not be null");
        Objects.requireNonNull(finalModel, "finalModel must not be null");
        Objects.requireNonNull(attempts, "attempts must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(text, "text must not be null");
        attempts = List.copyOf(attempts);
        skipped = List.copyOf(skipped);
        if (!isConsistent(attempts, finalModel) || tokensIn < 0 || tokensOut < 0) {
            throw invalid(runId, finalModel, attempts, tokensIn, tokensOut);
        }
    }

    /** Whether the attempts are numbered 1, 2, ... and the final model is the last one's. */
    private static boolean isConsistent(List<Attempt> attempts, ModelRef finalModel) {
        if (attempts.isEmpty()) {
            return false;
        }
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).number() != i + 1) {
                return false;
            }
        }
        return finalModel.equals(attempts.get(attempts.size() - 1).model());
    }

    private static IllegalArgumentException invalid(String runId, ModelRef finalModel, List<Attempt> attempts,
            long tokensIn, long tokensOut) {
        if (attempts.isEmpty()) {
            return new IllegalArgumentException("attempts of run " + runId + " must not be empty");
        }
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).number() != i + 1) {
                return new IllegalArgumentException("attempts[" + i + "] of run " + runId + " has number "
                        + attempts.get(i).number() + ": expected " + (i + 1));
            }
        }
        ModelRef last = attempts.get(attempts.size() - 1).model();
        if (!finalModel.equals(last)) {
            return new IllegalArgumentException("finalModel " + finalModel + " of run " + runId
                    + " differs from the model of the last attempt " + last);
        }
        return new IllegalArgumentException("tokens are " + tokensIn + " in, " + tokensOut + " out: expected >= 0");
    }

    /** Redacts the answer: model output is user content and never appears in logs. */
    @Override
    public String toString() {
        return "RunResult[runId=" + runId + ", taskId=" + taskId + ", resolution=" + resolution + ", finalModel="
                + finalModel + ", attempts=" + attempts + ", outcome=" + outcome.wireName() + ", text=<redacted "
                + text.length() + " chars>, tokensIn=" + tokensIn + ", tokensOut=" + tokensOut + ", skipped=" + skipped + "]";
    }
}
