package dev.otto.api.routing;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routing boundary: the only way agent code runs a prompt on a model.
 *
 * <p>The router resolves the model, builds the attempt plan (the resolved model followed by the
 * fallback policy's chain, without repeats, without models the catalog lacks or that are cooling
 * down, cut to the attempt budget), runs each attempt through a model invoker under its deadlines,
 * classifies failures, emits a {@code model_fallback} event per step and one run telemetry record
 * per run. The same inputs give the same plan.
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
     * Runs a prompt as {@link #run(RunRequest)} does, telling an observer each step as it happens.
     *
     * @param request the run request
     * @param observer hears skips, attempt starts and failures in the run's thread
     * @return the answer
     * @throws RoutingException if no attempt succeeded
     */
    default RunResult run(RunRequest request, RunObserver observer) throws RoutingException {
        return run(request);
    }

    /**
     * Decides what {@link #run} would do, without invoking any model: resolution, explanation,
     * attempt plan and skipped models.
     *
     * @param request the request (its prompt is not used)
     * @return the plan
     * @throws NoModelAvailableException when nothing resolves and there is no usable global default
     */
    RoutePlan plan(RunRequest request);

    /**
     * Returns the models cooling down after a {@code Retry-After}, which plans skip until then.
     *
     * @return the cooldowns in force, soonest end first; empty by default
     */
    default List<Cooldown> cooldowns() {
        return List.of();
    }

    /**
     * Returns the routing in force: settings, and the chain and budget the bound policy gives.
     *
     * @return the active routing
     */
    ActiveRouting active();
}
