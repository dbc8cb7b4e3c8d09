package dev.otto.api.routing;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses the model of a run. A pure function of the request, the current configuration and the
 * current catalog snapshot: the same inputs always give the same resolution.
 *
 * <p>Precedence: the job's model or the user override, then the flow default or the task policy,
 * then the OpenCode global default. A chosen model that is not in the catalog is replaced by the
 * global default ({@link ResolutionSource#UNAVAILABLE_FALLBACK}) and one {@code model_unavailable}
 * warning is logged. With nothing configured the result is exactly the OpenCode global default.
 */
@ProviderType
public interface ModelResolver {

    /**
     * Resolves the model of a run.
     *
     * @param request the run request
     * @return the resolved model and the rule that chose it
     * @throws NoModelAvailableException if nothing resolved to an available model and OpenCode has
     *     no usable global default
     */
    Resolution resolve(RunRequest request);
}
