package dev.otto.api.spi;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.RunRequest;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides where a run goes after its resolved model fails. The router uses the highest-ranked
 * policy.
 *
 * <p>Both methods must be deterministic: pure functions of their arguments, with no randomness, no
 * clock, no probing of providers and no "best available" choice, so that the same request and
 * settings always give the same plan.
 */
@ConsumerType
public interface FallbackPolicy {

    /**
     * Returns the models to try after the resolved model, in order. The router builds the plan as
     * the resolved model followed by this chain, drops repeats and cuts it to the attempt budget;
     * when the chain is exhausted, the last model tried is final.
     *
     * @param request the run request
     * @param settings the routing settings in force
     * @return the fallback chain, possibly empty
     */
    List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings);

    /**
     * Tells whether the run should go on to the next planned model after a failed attempt. The
     * attempt budget and the deadline are enforced by the router regardless.
     *
     * @param failure the classification of the failure
     * @param attemptNumber the number of the attempt that failed, from 1
     * @return true to try the next model, false to end the run as failed
     */
    boolean shouldContinue(Classification failure, int attemptNumber);
}
