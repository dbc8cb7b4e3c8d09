package dev.otto.api.job;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a job run ended, as {@link JobRunRepository#recordFinish} stores it. Holds ids, model
 * references and fixed names only: never prompt text, answers or provider messages.
 *
 * @param finishedAt when it ended
 * @param outcome how it ended; not {@link JobRunOutcome#RUNNING}
 * @param routerRunId the router's run id (as in telemetry), or null if the router was never reached
 * @param resolutionSource how the first model was chosen, or null if unknown (no model resolved,
 *     or the run was aborted before the router answered)
 * @param finalModel the model of the last attempt, or null if no attempt was made
 * @param reason {@code none} on success, else the reason code of the failure that ended the run;
 *     null if unknown (aborted)
 * @param errorClass null on success, else the failure's error class (null if unknown)
 * @param fallbackReasons the reason code of each failed attempt, in order; copied
 * @param attempts how many attempts were made, not negative
 * @param tokensIn input tokens over all attempts, not negative
 * @param tokensOut output tokens over all attempts, not negative
 */
public record JobRunEnd(
        Instant finishedAt,
        JobRunOutcome outcome,
        String routerRunId,
        ResolutionSource resolutionSource,
        ModelRef finalModel,
        ReasonCode reason,
        ErrorClass errorClass,
        List<ReasonCode> fallbackReasons,
        int attempts,
        long tokensIn,
        long tokensOut) {

    /** Validates the fields. */
    public JobRunEnd {
        Objects.requireNonNull(finishedAt, "finishedAt must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        if (outcome == JobRunOutcome.RUNNING) {
            throw new IllegalArgumentException("a finished run's outcome must not be running");
        }
        if (routerRunId != null) {
            Ids.require(routerRunId, "routerRunId");
        }
        if (outcome == JobRunOutcome.SUCCESS && (reason != ReasonCode.NONE || errorClass != null)) {
            throw new IllegalArgumentException("a successful run has reason none and no error class, got "
                    + reason + " and " + errorClass);
        }
        fallbackReasons = List.copyOf(Objects.requireNonNull(fallbackReasons, "fallbackReasons must not be null"));
        if (attempts < 0 || tokensIn < 0 || tokensOut < 0) {
            throw new IllegalArgumentException("attempts " + attempts + ", tokens " + tokensIn + " in, " + tokensOut
                    + " out: expected >= 0");
        }
    }

    /**
     * The end of a run that was cut short before the router answered.
     *
     * @param finishedAt when it was cut
     * @return an {@link JobRunOutcome#ABORTED} end with nothing else known
     */
    public static JobRunEnd aborted(Instant finishedAt) {
        return new JobRunEnd(finishedAt, JobRunOutcome.ABORTED, null, null, null, null, null, List.of(), 0, 0, 0);
    }
}
