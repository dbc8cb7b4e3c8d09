package dev.otto.router;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.otto.api.model.ModelRef;

/**
 * The attempt plan: the resolved model, then the fallback chain without repeats, cut to the
 * attempt budget. No randomness and no probing: the same inputs always give the same plan.
 */
final class Planner {

    private Planner() {
    }

    /**
     * @param first the resolved model
     * @param chain the fallback policy's chain
     * @param configuredBudget the configured attempt budget, 0 for the default (1 + chain length)
     */
    static List<ModelRef> plan(ModelRef first, List<ModelRef> chain, int configuredBudget) {
        Set<ModelRef> ordered = new LinkedHashSet<>();
        ordered.add(first);
        ordered.addAll(chain);
        int budget = configuredBudget > 0 ? configuredBudget : 1 + chain.size();
        List<ModelRef> plan = new ArrayList<>(ordered);
        return List.copyOf(plan.subList(0, Math.min(budget, plan.size())));
    }

    /** Whether the budget, not the chain, ended the plan. */
    static boolean budgetApplied(ModelRef first, List<ModelRef> chain, int configuredBudget) {
        Set<ModelRef> ordered = new LinkedHashSet<>();
        ordered.add(first);
        ordered.addAll(chain);
        return plan(first, chain, configuredBudget).size() < ordered.size();
    }
}
