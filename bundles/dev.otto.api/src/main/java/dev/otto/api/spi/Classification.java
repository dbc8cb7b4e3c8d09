package dev.otto.api.spi;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import java.util.Objects;

/**
 * A classified failure: the reason code for routing and telemetry, and a non-secret error class.
 *
 * @param reason the reason code; never {@link ReasonCode#NONE}, which means "no failure"
 * @param errorClass the error class
 */
public record Classification(ReasonCode reason, ErrorClass errorClass) {

    /** What the router uses when no classifier recognises a failure: {@code capacity}/{@code Unknown}. */
    public static final Classification UNKNOWN = new Classification(ReasonCode.CAPACITY, ErrorClass.UNKNOWN);

    /** Validates the fields. */
    public Classification {
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(errorClass, "errorClass must not be null");
        if (reason == ReasonCode.NONE) {
            throw new IllegalArgumentException("reason of a failure classification must not be none");
        }
    }
}
