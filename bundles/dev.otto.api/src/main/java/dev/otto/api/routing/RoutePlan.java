package dev.otto.api.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;

/**
 * What the router would do for a request, decided without running anything: the resolution, why
 * it came out that way, and the attempt plan. A pure function of the request, the configuration,
 * the catalog snapshot and the active fallback policy.
 *
 * @param resolution the resolved model and its source
 * @param requestedModel the model the precedence rules chose before the availability check (null
 *     when none was chosen and the global default applied directly)
 * @param explanation one sentence for operators saying why this model, e.g.
 *     {@code job 12 names openai/gpt-5.2}; never prompt text
 * @param attempts the models in the order they would be tried: the resolved model, then the
 *     fallback chain without repeats, cut to the attempt budget
 * @param routeType the route type the run would record
 * @param policyAudit audit tokens the plan already implies (e.g. {@code route_type_defaulted},
 *     {@code model_unavailable}, {@code policy_override}, {@code attempt_budget_applied})
 */
public record RoutePlan(Resolution resolution, ModelRef requestedModel, String explanation, List<ModelRef> attempts,
        RouteType routeType, List<String> policyAudit) {

    /** Validates and copies the fields. */
    public RoutePlan {
        Objects.requireNonNull(resolution, "resolution must not be null");
        Objects.requireNonNull(explanation, "explanation must not be null");
        Objects.requireNonNull(routeType, "routeType must not be null");
        attempts = List.copyOf(attempts);
        policyAudit = List.copyOf(policyAudit);
        if (attempts.isEmpty() || !attempts.get(0).providerId().equals(resolution.providerId())
                || !attempts.get(0).modelId().equals(resolution.modelId())) {
            throw new IllegalArgumentException("a plan starts with the resolved model " + resolution.ref()
                    + ", got " + attempts);
        }
        if (hasRepeat(attempts)) {
            throw new IllegalArgumentException("a plan never repeats a model, got " + attempts);
        }
    }

    /** Plans are a handful of models: a pairwise check beats hashing them; a set for long ones. */
    private static boolean hasRepeat(List<ModelRef> attempts) {
        int size = attempts.size();
        if (size > 16) {
            return new HashSet<>(attempts).size() != size;
        }
        for (int i = 1; i < size; i++) {
            ModelRef model = attempts.get(i);
            for (int j = 0; j < i; j++) {
                if (model.equals(attempts.get(j))) {
                    return true;
                }
            }
        }
        return false;
    }
}
