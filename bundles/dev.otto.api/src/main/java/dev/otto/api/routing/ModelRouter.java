package dev.otto.api.routing;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routing boundary: the only way agent code runs a prompt on a model.
 *
 * <p>The router resolves the model, builds the attempt plan (the resolved model followed by the
 * fallback policy's chain, without repeats, cut to the attempt budget), runs each attempt through a
 * model invoker under the run's deadline, classifies failures, emits a {@code model_fallback} event
 * per step and one run telemetry record per run. The same inputs give the same plan.
 */
@ProviderType
public interface ModelRouter {

    /**
     * Runs a prompt, failing over along the plan until a model answers.
     *
     * @param request the run request
     * @return the answer, with outcome {@link RunOutcome#SUCCESS}
     * @throws RoutingException if no attempt succeeded: the plan was exhausted, the policy stopped,
     *     the deadline passed, or no model could be resolved; it carries the attempts made
     */
    RunResult run(RunRequest request) throws RoutingException;

    /**
     * Decides what {@link #run} would do, without invoking any model: resolution, explanation and
     * attempt plan.
     *
     * @param request the request (its prompt is not used)
     * @return the plan
     * @throws NoModelAvailableException when nothing resolves and there is no usable global default
     */
    RoutePlan plan(RunRequest request);
}
