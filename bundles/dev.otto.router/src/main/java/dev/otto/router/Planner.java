package dev.otto.router;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.telemetry.PolicyAudit;

/**
 * The attempt plan, as a pure function of the resolved model, the fallback chain, the attempt
 * budget, the catalog snapshot and the cooldowns in force. No randomness and no probing: the same
 * inputs always give the same plan.
 *
 * <ol>
 * <li>The resolved model, then the chain in order, each model once (a repeat is dropped silently).</li>
 * <li>A chain model the snapshot lacks is skipped ({@code not_in_catalog}); the resolved model is
 *     always in the catalog, the resolver saw to that.</li>
 * <li>When the chain names models but none is in the catalog, the OpenCode global default joins
 *     the end as the last resort.</li>
 * <li>A model cooling down after a {@code Retry-After} is skipped ({@code cooling_down}).</li>
 * <li>The models left are the candidates; the run tries at most {@code budget} of them
 *     (default 1 + chain length), so the plan shows the first {@code budget}.</li>
 * </ol>
 * Skipped models cost no attempt and no time. Provider-level skips happen during a run (they
 * depend on what the run's attempts answered) and are the run's, not the plan's.
 */
final class Planner {

    /**
     * A plan.
     *
     * @param candidates every model a run may try, in order; the run stops after {@code budget}
     *     attempts, and models skipped during the run let later candidates move up
     * @param budget the most attempts
     * @param skipped the models left out, in plan order
     * @param audit audit tokens the plan implies, without repeats
     */
    record Plan(List<ModelRef> candidates, int budget, List<SkippedModel> skipped, List<String> audit) {

        /** The models the plan shows: the first {@code budget} candidates. */
        List<ModelRef> attempts() {
            return candidates.size() <= budget ? candidates : candidates.subList(0, budget);
        }

        /** Whether the budget, not the candidates, ends the plan. */
        boolean budgetApplied() {
            return candidates.size() > budget;
        }
    }

    private Planner() {
    }

    /**
     * Makes the plan.
     *
     * @param resolved the resolved model (in the catalog)
     * @param chain the fallback chain
     * @param configuredBudget the configured attempt budget, 0 for the default (1 + chain length)
     * @param snapshot the catalog snapshot
     * @param cooling the cooldowns in force, by model
     * @return the plan
     */
    static Plan plan(ModelRef resolved, List<ModelRef> chain, int configuredBudget, CatalogSnapshot snapshot,
            Map<ModelRef, Cooldown> cooling) {
        Set<ModelRef> ordered = new LinkedHashSet<>();
        ordered.add(resolved);
        ordered.addAll(chain);
        Set<String> audit = new LinkedHashSet<>();
        List<ModelRef> candidates = new ArrayList<>();
        List<SkippedModel> skipped = new ArrayList<>();
        boolean chainAvailable = false;
        for (ModelRef model : ordered) {
            boolean isResolved = model.equals(resolved);
            if (!isResolved && !snapshot.isAvailable(model)) {
                skipped.add(SkippedModel.notInCatalog(model));
                audit.add(PolicyAudit.CHAIN_MODEL_UNAVAILABLE);
                continue;
            }
            chainAvailable |= !isResolved;
            consider(model, cooling, candidates, skipped, audit);
        }
        if (!chain.isEmpty() && !chainAvailable) {
            Optional<ModelRef> global = snapshot.findGlobalDefault().filter(snapshot::isAvailable);
            if (global.isPresent() && !ordered.contains(global.get())) {
                audit.add(PolicyAudit.GLOBAL_DEFAULT_LAST_RESORT);
                consider(global.get(), cooling, candidates, skipped, audit);
            }
        }
        int budget = configuredBudget > 0 ? configuredBudget : 1 + chain.size();
        if (candidates.isEmpty()) {
            audit.add(PolicyAudit.ALL_COOLING_DOWN);
        } else if (candidates.size() > budget) {
            audit.add(PolicyAudit.ATTEMPT_BUDGET_APPLIED);
        }
        return new Plan(List.copyOf(candidates), budget, List.copyOf(skipped), List.copyOf(audit));
    }

    private static void consider(ModelRef model, Map<ModelRef, Cooldown> cooling, List<ModelRef> candidates,
            List<SkippedModel> skipped, Set<String> audit) {
        Cooldown cooldown = cooling.get(model);
        if (cooldown != null) {
            skipped.add(new SkippedModel(model, SkipReason.COOLING_DOWN, cooldown.errorClass(), cooldown.until()));
            audit.add(PolicyAudit.MODEL_COOLING_DOWN);
        } else {
            candidates.add(model);
        }
    }
}
