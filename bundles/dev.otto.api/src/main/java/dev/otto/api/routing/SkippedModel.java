package dev.otto.api.routing;

import java.time.Instant;
import java.util.Objects;

import dev.otto.api.model.ModelRef;

/**
 * A model of the plan that was not tried, and why.
 *
 * @param model the model
 * @param reason why it was skipped
 * @param errorClass for {@link SkipReason#PROVIDER_FAILED} and {@link SkipReason#COOLING_DOWN}:
 *     the error class of the failure behind the skip; else null
 * @param until for {@link SkipReason#COOLING_DOWN}: when the model may be tried again; else null
 */
public record SkippedModel(ModelRef model, SkipReason reason, ErrorClass errorClass, Instant until) {

    /** Validates the fields. */
    public SkippedModel {
        Objects.requireNonNull(model, "model must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        if ((reason == SkipReason.COOLING_DOWN) != (until != null)) {
            throw new IllegalArgumentException("a skip has an until time exactly when it is cooling_down, got "
                    + reason.wireName() + " with until " + until);
        }
    }

    /**
     * Returns a skip of a model the catalog lacks.
     *
     * @param model the model
     * @return the skip
     */
    public static SkippedModel notInCatalog(ModelRef model) {
        return new SkippedModel(model, SkipReason.NOT_IN_CATALOG, null, null);
    }

    /**
     * Tells in a few words why, for shell output: {@code not in the catalog},
     * {@code cooling down until 2026-12-04T10:00:02Z (RateLimited)}, {@code provider failed (AuthError)}.
     *
     * @return the description; never provider text
     */
    public String describe() {
        switch (reason) {
        case NOT_IN_CATALOG:
            return "not in the catalog";
        case COOLING_DOWN:
            return "cooling down until " + until + (errorClass == null ? "" : " (" + errorClass + ")");
        default:
            return "its provider failed" + (errorClass == null ? "" : " (" + errorClass + ")");
        }
    }
}
