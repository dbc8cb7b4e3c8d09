package dev.otto.api.routing;

import dev.otto.api.model.ModelRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One attempt of a run on one model. An attempt either succeeded ({@code reason} is
 * {@link ReasonCode#NONE} and {@code errorClass} is null) or failed (any other reason, with an
 * error class).
 *
 * @param number the attempt's position in the plan, from 1
 * @param model the model tried
 * @param reason {@code none} on success, else the failure's reason code
 * @param errorClass null on success, else the failure's error class
 * @param startedAt when the attempt started
 * @param duration how long it took; not negative
 * @param tokensIn input tokens reported, 0 if unknown
 * @param tokensOut output tokens reported, 0 if unknown
 */
public record Attempt(
        int number,
        ModelRef model,
        ReasonCode reason,
        ErrorClass errorClass,
        Instant startedAt,
        Duration duration,
        long tokensIn,
        long tokensOut) {

    /** Validates the fields and the success/failure pairing of reason and error class. */
    public Attempt {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(startedAt, "startedAt must not be null");
        Objects.requireNonNull(duration, "duration must not be null");
        if (number < 1 || (reason == ReasonCode.NONE) != (errorClass == null) || duration.isNegative()
                || tokensIn < 0 || tokensOut < 0) {
            throw invalid(number, reason, errorClass, duration, tokensIn, tokensOut);
        }
    }

    // the message is built out of line: the constructor runs per attempt, and small it is inlined by the JIT
    private static IllegalArgumentException invalid(int number, ReasonCode reason, ErrorClass errorClass,
            Duration duration, long tokensIn, long tokensOut) {
        if (number < 1) {
            return new IllegalArgumentException("number is " + number + ": expected an attempt number >= 1");
        }
        if ((reason == ReasonCode.NONE) != (errorClass == null)) {
            return new IllegalArgumentException("attempt " + number + " has reason " + reason.wireName()
                    + " and error class " + errorClass
                    + ": expected reason none without error class (success) or another reason with one (failure)");
        }
        if (duration.isNegative()) {
            return new IllegalArgumentException("duration is " + duration + ": expected >= 0");
        }
        return new IllegalArgumentException("tokens are " + tokensIn + " in, " + tokensOut + " out: expected >= 0");
    }

    /**
     * Tells whether the attempt succeeded.
     *
     * @return true if a model answered
     */
    public boolean succeeded() {
        return reason == ReasonCode.NONE;
    }
}
