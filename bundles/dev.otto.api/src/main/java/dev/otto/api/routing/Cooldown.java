package dev.otto.api.routing;

import java.time.Instant;
import java.util.Objects;

import dev.otto.api.model.ModelRef;

/**
 * A model that later runs skip until a time its provider named ({@code Retry-After}).
 *
 * @param model the model
 * @param until when it may be tried again
 * @param errorClass the error class of the answer that carried the {@code Retry-After}
 * @param since when that answer came
 */
public record Cooldown(ModelRef model, Instant until, ErrorClass errorClass, Instant since) {

    /** Validates the fields. */
    public Cooldown {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(until, "until must not be null");
        Objects.requireNonNull(errorClass, "errorClass must not be null");
        Objects.requireNonNull(since, "since must not be null");
        if (until.isBefore(since)) {
            throw new IllegalArgumentException("a cooldown ends at " + until + ", before it began at " + since);
        }
    }

    /**
     * Tells whether the cooldown is still in force.
     *
     * @param now the time
     * @return true if {@code now} is before {@link #until}
     */
    public boolean activeAt(Instant now) {
        return now.isBefore(until);
    }
}
