package dev.otto.router;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.otto.api.model.ModelRef;

/**
 * The attempt plan: the resolved model, then the fallback chain without repeats, cut to the
 * attempt budget. No randomness and no probing: the same inputs always give the same plan.
 */
final class Planner {

    /** Chains up to this long are de-duplicated pairwise, longer ones through a set. */
    private static final int PAIRWISE = 16;

    /**
     * A plan and whether the budget cut it.
     *
     * @param attempts the models in the order they are tried; immutable
     * @param budgetApplied whether the budget, not the chain, ended the plan
     */
    record Plan(List<ModelRef> attempts, boolean budgetApplied) {
    }

    private Planner() {
    }

    /**
     * Builds the plan once, with whether the budget cut it.
     *
     * @param first the resolved model
     * @param chain the fallback policy's chain
     * @param configuredBudget the configured attempt budget, 0 for the default (1 + chain length)
     */
    static Plan planOf(ModelRef first, List<ModelRef> chain, int configuredBudget) {
        int budget = configuredBudget > 0 ? configuredBudget : 1 + chain.size();
        ModelRef[] ordered;
        int count;
        if (chain.size() <= PAIRWISE) {
            ordered = new ModelRef[1 + chain.size()];
            ordered[0] = first;
            count = 1;
            for (int i = 0; i < chain.size(); i++) {
                ModelRef model = chain.get(i);
                if (indexOf(ordered, count, model) < 0) {
                    ordered[count++] = model;
                }
            }
        } else {
            Set<ModelRef> set = new LinkedHashSet<>();
            set.add(first);
            set.addAll(chain);
            ordered = set.toArray(new ModelRef[0]);
            count = ordered.length;
        }
        int size = Math.min(budget, count);
        return new Plan(List.of(size == ordered.length ? ordered : Arrays.copyOf(ordered, size)), size < count);
    }

    private static int indexOf(ModelRef[] models, int count, ModelRef model) {
        for (int i = 0; i < count; i++) {
            if (models[i].equals(model)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param first the resolved model
     * @param chain the fallback policy's chain
     * @param configuredBudget the configured attempt budget, 0 for the default (1 + chain length)
     */
    static List<ModelRef> plan(ModelRef first, List<ModelRef> chain, int configuredBudget) {
        return planOf(first, chain, configuredBudget).attempts();
    }

    /** Whether the budget, not the chain, ended the plan. */
    static boolean budgetApplied(ModelRef first, List<ModelRef> chain, int configuredBudget) {
        return planOf(first, chain, configuredBudget).budgetApplied();
    }
}
