package dev.otto.api.routing;

import dev.otto.api.model.ModelRef;
import java.util.Objects;

/**
 * The outcome of model resolution: {@code {providerId, modelId, source}}.
 *
 * @param providerId the provider of the resolved model
 * @param modelId the resolved model id (may contain {@code /})
 * @param source which precedence rule chose it
 */
public record Resolution(String providerId, String modelId, ResolutionSource source) {

    /** Validates the fields; the two ids must form a well-formed {@link ModelRef}. */
    public Resolution {
        new ModelRef(providerId, modelId);
        Objects.requireNonNull(source, "source must not be null");
    }

    /**
     * Returns a resolution of the given model.
     *
     * @param ref the resolved model
     * @param source which rule chose it
     * @return the resolution
     */
    public static Resolution of(ModelRef ref, ResolutionSource source) {
        Objects.requireNonNull(ref, "ref must not be null");
        return new Resolution(ref.providerId(), ref.modelId(), source);
    }

    /**
     * Returns the resolved model as a reference.
     *
     * @return {@code providerId/modelId}
     */
    public ModelRef ref() {
        return new ModelRef(providerId, modelId);
    }
}
