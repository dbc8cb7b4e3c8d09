package dev.otto.router;

import static dev.otto.router.Fixtures.ref;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.telemetry.PolicyAudit;

/** The plan's rules, and that they hold for all inputs. */
class PlannerTest {

    private static final ModelRef GPT52 = ref("openai/gpt-5.2");
    private static final ModelRef CODEX = ref("openai-codex/gpt-5.3-codex");
    private static final ModelRef GPT5O = ref("openai/gpt-5o");
    private static final ModelRef MINI = ref("openai/gpt-5.4-mini");
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    /** OpenCode 1.18.33's catalog has neither openai-codex/gpt-5.3-codex nor openai/gpt-5o. */
    private static final CatalogSnapshot OPENCODE = Fixtures.snapshot("openai/gpt-5.2", "openai/gpt-5.2",
            "openai/gpt-5.4-mini");

    @Test
    void theFreshInstallPlanIsOneAttemptWithTheOpenAiFirstChainsMissingModelsSkipped() {
        Planner.Plan plan = Planner.plan(GPT52, List.of(CODEX, GPT52, GPT5O), 0, OPENCODE, Map.of());
        assertThat(plan.attempts()).containsExactly(GPT52);
        assertThat(plan.skipped()).containsExactly(SkippedModel.notInCatalog(CODEX), SkippedModel.notInCatalog(GPT5O));
        assertThat(plan.audit()).containsExactly(PolicyAudit.CHAIN_MODEL_UNAVAILABLE);
        assertThat(plan.budget()).isEqualTo(4);
    }

    @Test
    void repeatsAreDroppedSilentlyAndTheBudgetCutsWhatIsLeft() {
        Planner.Plan plan = Planner.plan(GPT52, List.of(MINI, GPT52, MINI), 1, OPENCODE, Map.of());
        assertThat(plan.candidates()).containsExactly(GPT52, MINI);
        assertThat(plan.attempts()).containsExactly(GPT52);
        assertThat(plan.budgetApplied()).isTrue();
        assertThat(plan.skipped()).isEmpty();
        assertThat(plan.audit()).containsExactly(PolicyAudit.ATTEMPT_BUDGET_APPLIED);
    }

    @Test
    void theGlobalDefaultIsTheLastResortOnlyWhenTheChainHasNothingAvailable() {
        Planner.Plan none = Planner.plan(MINI, List.of(CODEX, GPT5O), 0, OPENCODE, Map.of());
        assertThat(none.attempts()).containsExactly(MINI, GPT52);
        assertThat(none.audit()).contains(PolicyAudit.GLOBAL_DEFAULT_LAST_RESORT);
        Planner.Plan onlyTheResolved = Planner.plan(MINI, List.of(CODEX, MINI), 0, OPENCODE, Map.of());
        assertThat(onlyTheResolved.attempts()).as("nothing new in the chain").containsExactly(MINI, GPT52);
        CatalogSnapshot three = Fixtures.snapshot("openai/gpt-5.2", "openai/gpt-5.2", "openai/gpt-5.4-mini", "openai/o3");
        Planner.Plan some = Planner.plan(MINI, List.of(CODEX, ref("openai/o3")), 0, three, Map.of());
        assertThat(some.attempts()).containsExactly(MINI, ref("openai/o3"));
        assertThat(some.audit()).doesNotContain(PolicyAudit.GLOBAL_DEFAULT_LAST_RESORT);
        Planner.Plan empty = Planner.plan(MINI, List.of(), 0, OPENCODE, Map.of());
        assertThat(empty.attempts()).as("no chain configured: nothing is added").containsExactly(MINI);
    }

    @Test
    void aModelCoolingDownIsSkippedWithItsUntilTimeAndAnAllCoolingPlanHasNoAttempt() {
        Cooldown cooling = new Cooldown(GPT52, NOW.plusSeconds(2), ErrorClass.RATE_LIMITED, NOW);
        Planner.Plan plan = Planner.plan(GPT52, List.of(MINI), 0, OPENCODE, Map.of(GPT52, cooling));
        assertThat(plan.attempts()).containsExactly(MINI);
        assertThat(plan.skipped()).containsExactly(new SkippedModel(GPT52, SkipReason.COOLING_DOWN,
                ErrorClass.RATE_LIMITED, NOW.plusSeconds(2)));
        assertThat(plan.audit()).containsExactly(PolicyAudit.MODEL_COOLING_DOWN);
        Planner.Plan all = Planner.plan(GPT52, List.of(), 0, OPENCODE, Map.of(GPT52, cooling));
        assertThat(all.attempts()).isEmpty();
        assertThat(all.audit()).contains(PolicyAudit.ALL_COOLING_DOWN);
    }

    /**
     * 20,000 generated cases: the plan is a pure function of its inputs, tries no model twice, only
     * models the catalog has and none cooling down, keeps the order of the chain, skips a model only
     * for the catalog or a cooldown, and never exceeds the budget.
     */
    @Test
    void forAllInputsThePlanIsDeterministicAndKeepsItsRules() {
        Random random = new Random(20261204L);
        List<ModelRef> pool = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            pool.add(ModelRef.of("p" + (i % 3), "m" + i));
        }
        for (int i = 0; i < 20_000; i++) {
            List<String> inCatalog = new ArrayList<>();
            for (ModelRef model : pool) {
                if (random.nextInt(3) > 0) {
                    inCatalog.add(model.toString());
                }
            }
            if (inCatalog.isEmpty()) {
                inCatalog.add(pool.get(0).toString());
            }
            String global = random.nextInt(4) == 0 ? null : inCatalog.get(random.nextInt(inCatalog.size()));
            CatalogSnapshot snapshot = Fixtures.snapshot(global, inCatalog.toArray(new String[0]));
            ModelRef resolved = ref(inCatalog.get(random.nextInt(inCatalog.size())));
            List<ModelRef> chain = new ArrayList<>();
            for (int n = random.nextInt(7); n > 0; n--) {
                chain.add(pool.get(random.nextInt(pool.size())));
            }
            Map<ModelRef, Cooldown> cooling = new HashMap<>();
            for (ModelRef model : pool) {
                if (random.nextInt(6) == 0) {
                    cooling.put(model, new Cooldown(model, NOW.plusSeconds(1 + random.nextInt(60)),
                            ErrorClass.RATE_LIMITED, NOW));
                }
            }
            int budget = random.nextInt(5);

            Planner.Plan plan = Planner.plan(resolved, chain, budget, snapshot, cooling);
            assertThat(Planner.plan(resolved, List.copyOf(chain), budget, snapshot, Map.copyOf(cooling)))
                    .as("case %d is deterministic", i).isEqualTo(plan);

            Set<ModelRef> order = new LinkedHashSet<>();
            order.add(resolved);
            order.addAll(chain);
            List<ModelRef> named = new ArrayList<>(order);
            snapshot.findGlobalDefault().ifPresent(named::add);
            Set<ModelRef> seen = new LinkedHashSet<>();
            for (ModelRef model : plan.candidates()) {
                assertThat(seen.add(model)).as("case %d: %s once", i, model).isTrue();
                assertThat(snapshot.isAvailable(model)).isTrue();
                assertThat(cooling).doesNotContainKey(model);
            }
            if (!plan.candidates().isEmpty()) {
                assertThat(named).as("case %d keeps the order", i).containsSubsequence(plan.candidates());
            }
            for (SkippedModel skip : plan.skipped()) {
                assertThat(seen.add(skip.model())).as("case %d: a skipped model is not tried", i).isTrue();
                boolean why = skip.reason() == SkipReason.NOT_IN_CATALOG ? !snapshot.isAvailable(skip.model())
                        : skip.reason() == SkipReason.COOLING_DOWN && cooling.containsKey(skip.model());
                assertThat(why).as("case %d: %s skipped for a reason that holds", i, skip).isTrue();
            }
            for (ModelRef model : order) {
                assertThat(seen).as("case %d: every model of resolution and chain is tried or skipped", i)
                        .contains(model);
            }
            assertThat(plan.attempts().size()).isLessThanOrEqualTo(budget > 0 ? budget : 1 + chain.size());
        }
    }
}
