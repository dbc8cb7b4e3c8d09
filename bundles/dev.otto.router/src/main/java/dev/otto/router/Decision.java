package dev.otto.router;

import java.util.List;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.RunRequest;

/**
 * A resolution with what the router records about it.
 *
 * @param resolution the model to start with and its source
 * @param model the resolved model: {@code resolution.ref()}, kept so that runs need not rebuild it
 * @param requested what the precedence rules chose before the availability check, or null when
 *     they chose nothing and the global default applied directly
 * @param audit audit tokens the resolution implies ({@code model_unavailable}, {@code policy_override})
 * @param request the request resolved, for the explanation
 */
record Decision(Resolution resolution, ModelRef model, ModelRef requested, List<String> audit, RunRequest request) {

    Decision {
        audit = List.copyOf(audit);
    }

    /**
     * Why, in one sentence; built on each call, once per decision the router memoizes.
     *
     * @return the explanation
     */
    String explanation() {
        return Resolver.explain(this);
    }
}
