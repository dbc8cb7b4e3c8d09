package dev.otto.api.catalog;

import dev.otto.api.model.ModelRef;
import java.util.Objects;

/**
 * One model as the catalog describes it.
 *
 * @param ref the model's reference; its provider id is the id of the provider that lists it
 * @param name the display name, e.g. {@code GPT-5.2}; non-blank (sources use the model id when
 *     the catalog has no name)
 * @param contextLimit the context window in tokens; 0 when unknown
 * @param outputLimit the maximum output in tokens; 0 when unknown
 * @param cost the published price, {@link ModelCost#UNKNOWN} when not published
 * @param status the catalog's status word, e.g. {@code active}, {@code beta},
 *     {@code deprecated}; empty when the catalog gives none
 */
public record CatalogModel(
        ModelRef ref, String name, long contextLimit, long outputLimit, ModelCost cost, String status) {

    /** Status word of a model in general availability. */
    public static final String STATUS_ACTIVE = "active";

    /** Status word of a model the provider is retiring; still callable, worth a warning. */
    public static final String STATUS_DEPRECATED = "deprecated";

    /** Validates every field; limits of 0 mean unknown, never unlimited. */
    public CatalogModel {
        Objects.requireNonNull(ref, "ref must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(cost, "cost must not be null (use ModelCost.UNKNOWN)");
        Objects.requireNonNull(status, "status must not be null (use \"\" when unknown)");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name of " + ref + " must not be blank");
        }
        if (contextLimit < 0) {
            throw new IllegalArgumentException(
                    "contextLimit of " + ref + " is " + contextLimit + ": expected >= 0 (0 = unknown)");
        }
        if (outputLimit < 0) {
            throw new IllegalArgumentException(
                    "outputLimit of " + ref + " is " + outputLimit + ": expected >= 0 (0 = unknown)");
        }
    }

    /**
     * Tells whether the catalog marks the model deprecated.
     *
     * @return true if {@link #status()} is {@value #STATUS_DEPRECATED}
     */
    public boolean isDeprecated() {
        return STATUS_DEPRECATED.equals(status);
    }
}
