package dev.otto.api.routing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;

/**
 * What the router would do for a request, decided without running anything: the resolution, why
 * it came out that way, the attempt plan, and the models left out of it. A pure function of the
 * request, the configuration, the catalog snapshot, the active fallback policy and the cooldowns
 * in force.
 *
 * @param resolution the resolved model and its source
 * @param requestedModel the model the precedence rules chose before the availability check (null
 *     when none was chosen and the global default applied directly)
 * @param explanation one sentence for operators saying why this model, e.g.
 *     {@code job 12 names openai/gpt-5.2}; never prompt text
 * @param attempts the models in the order they would be tried: the resolved model, then the
 *     fallback chain, without repeats and without the skipped models, cut to the attempt budget;
 *     empty only when every candidate is cooling down
 * @param skipped the models of the resolution and chain that will not be tried, in plan order,
 *     with why; they cost no attempt
 * @param routeType the route type the run would record
 * @param policyAudit audit tokens the plan already implies (e.g. {@code route_type_defaulted},
 *     {@code model_unavailable}, {@code chain_model_unavailable}, {@code attempt_budget_applied})
 * @param catalogSnapshotId the id of the catalog snapshot the plan was made with
 * @param deadlines the deadlines the attempts get
 */
public record RoutePlan(Resolution resolution, ModelRef requestedModel, String explanation, List<ModelRef> attempts,
        List<SkippedModel> skipped, RouteType routeType, List<String> policyAudit, String catalogSnapshotId,
        RunDeadlines deadlines) {

    /** Validates and copies the fields. */
    public RoutePlan {
        Objects.requireNonNull(resolution, "resolution must not be null");
        Objects.requireNonNull(explanation, "explanation must not be null");
        Objects.requireNonNull(routeType, "routeType must not be null");
        Objects.requireNonNull(catalogSnapshotId, "catalogSnapshotId must not be null");
        Objects.requireNonNull(deadlines, "deadlines must not be null");
        attempts = List.copyOf(attempts);
        skipped = List.copyOf(skipped);
        policyAudit = List.copyOf(policyAudit);
        List<ModelRef> all = new ArrayList<>(attempts);
        skipped.forEach(s -> all.add(s.model()));
        Set<ModelRef> seen = new HashSet<>();
        for (ModelRef model : all) {
            if (!seen.add(model)) {
                throw new IllegalArgumentException("a plan names a model once, got " + model + " twice in " + attempts
                        + " and skipped " + skipped);
            }
        }
        if (attempts.isEmpty() && skipped.isEmpty()) {
            throw new IllegalArgumentException("a plan has a model to try or a skipped one, got neither");
        }
    }
}
