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
 * @param note one line on what else happened, or null: why the run was skipped, a post-run hook that
 *     failed. Fixed text with program names and exit statuses, never hook output, prompts or
 *     provider messages; control characters become spaces, cut to {@link #MAX_NOTE_LENGTH}
 *     characters; since 1.2
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
        long tokensOut,
        String note) {

    /** Longest note kept, in characters. */
    public static final int MAX_NOTE_LENGTH = 300;

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
        note = cleanNote(note);
    }

    /**
     * An end with no note (the fields of version 1.1).
     *
     * @param finishedAt when it ended
     * @param outcome how it ended; not running
     * @param routerRunId the router's run id, or null
     * @param resolutionSource how the first model was chosen, or null
     * @param finalModel the model of the last attempt, or null
     * @param reason the reason code that ended it, or null
     * @param errorClass the error class of a failure, or null
     * @param fallbackReasons the reason code of each failed attempt
     * @param attempts how many attempts were made
     * @param tokensIn input tokens
     * @param tokensOut output tokens
     */
    public JobRunEnd(Instant finishedAt, JobRunOutcome outcome, String routerRunId, ResolutionSource resolutionSource,
            ModelRef finalModel, ReasonCode reason, ErrorClass errorClass, List<ReasonCode> fallbackReasons,
            int attempts, long tokensIn, long tokensOut) {
        this(finishedAt, outcome, routerRunId, resolutionSource, finalModel, reason, errorClass, fallbackReasons,
                attempts, tokensIn, tokensOut, null);
    }

    /**
     * A run that was not routed because its pre-run hook failed.
     *
     * @param finishedAt when that was decided
     * @param note why, e.g. {@code skipped: pre-run hook check.sh exited with status 3}
     * @return the end
     * @since 1.2
     */
    public static JobRunEnd skipped(Instant finishedAt, String note) {
        Objects.requireNonNull(note, "a skipped run needs a note saying why");
        return new JobRunEnd(finishedAt, JobRunOutcome.SKIPPED, null, null, null, null, null, List.of(), 0, 0, 0, note);
    }

    /**
     * Returns this end with a note, added after any note it has.
     *
     * @param more the note to add
     * @return the new end
     * @since 1.2
     */
    public JobRunEnd withNote(String more) {
        return new JobRunEnd(finishedAt, outcome, routerRunId, resolutionSource, finalModel, reason, errorClass,
                fallbackReasons, attempts, tokensIn, tokensOut, note == null ? more : note + "; " + more);
    }

    /** One line, bounded; null or blank stays null. */
    static String cleanNote(String note) {
        if (note == null || note.isBlank()) {
            return null;
        }
        StringBuilder line = new StringBuilder(Math.min(note.length(), MAX_NOTE_LENGTH));
        for (int i = 0; i < note.length() && line.length() < MAX_NOTE_LENGTH; i++) {
            char c = note.charAt(i);
            line.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        if (note.length() > MAX_NOTE_LENGTH) {
            line.setLength(MAX_NOTE_LENGTH - 3);
            line.append("...");
        }
        return line.toString().strip();
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
