package dev.otto.router;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.spi.FallbackPolicy;

/**
 * Routing decisions already taken with one set of inputs: the routing configuration, the catalog
 * snapshot and the fallback policy service in force, each compared by identity (a new
 * configuration, a refreshed catalog or a re-bound policy is a new object, and the router then
 * starts a new memo). Resolution is a pure function of those inputs and of the request's routing
 * fields (flow or task type, job id and job model, user override, route type; never the task id,
 * the prompt or the deadline), so one decision serves every request with the same fields.
 *
 * <p>The policy's chain is not memoized: {@link FallbackPolicy#fallbackChain} sees the whole
 * request, so the router asks the policy on every call and reuses a plan only when the chain is
 * the one the plan was built from ({@link Decided#isFor}). What must happen on every call (the
 * {@code model_unavailable} warning with the catalog's age at that moment) is the router's job,
 * not the memo's.
 *
 * <p>Bounded: a request without job and override (a flow's or a task type's own runs, the usual
 * case) has one slot per flow or task type and route type, found without allocating; the others
 * share a map of at most {@value #MAX_OTHERS} entries, emptied when full. Safe for concurrent use:
 * entries are immutable, and two threads deciding the same request at once store equal entries.
 */
final class DecisionMemo {

    /** Entries of requests with a job or an override kept at most; the map is emptied when full. */
    static final int MAX_OTHERS = 1024;

    private static final int FLOWS = Flow.values().length;
    private static final int ROUTE_TYPES = RouteType.values().length + 1; // null: not given
    private static final int PLAIN_SLOTS = (FLOWS + TaskType.values().length) * ROUTE_TYPES;

    /**
     * A decision and the plan built from it with a chain of the policy.
     *
     * @param decision the resolution and what the router records about it
     * @param chain the policy's chain the plan was built from; immutable
     * @param plan the plan, explanation included
     */
    record Decided(Decision decision, List<ModelRef> chain, RoutePlan plan) {

        /** Whether the plan was built from this chain: the plan depends only on the chain's models. */
        boolean isFor(List<ModelRef> policyChain) {
            return policyChain == chain || chain.equals(policyChain);
        }
    }

    /** The routing fields of a request that has a job or an override. */
    private record Key(Flow flow, TaskType taskType, Long jobId, ModelRef jobModelRef, ModelRef userOverride,
            RouteType routeType) {

        static Key of(RunRequest request) {
            return new Key(request.flow(), request.taskType(), request.jobId(), request.jobModelRef(),
                    request.userOverride(), request.routeType());
        }
    }

    private final RoutingService.Settings settings;
    private final CatalogSnapshot snapshot;
    private final Map.Entry<Map<String, Object>, FallbackPolicy> policy;
    private final AtomicReferenceArray<Decided> plain = new AtomicReferenceArray<>(PLAIN_SLOTS);
    private final Map<Key, Decided> others = new ConcurrentHashMap<>();

    /**
     * @param settings the routing configuration the decisions are taken with
     * @param snapshot the catalog snapshot
     * @param policy the fallback policy service (with its properties), or null when none is bound
     */
    DecisionMemo(RoutingService.Settings settings, CatalogSnapshot snapshot,
            Map.Entry<Map<String, Object>, FallbackPolicy> policy) {
        this.settings = settings;
        this.snapshot = snapshot;
        this.policy = policy;
    }

    /** Whether this memo's decisions were taken with exactly these inputs. */
    boolean isFor(RoutingService.Settings currentSettings, CatalogSnapshot currentSnapshot,
            Map.Entry<Map<String, Object>, FallbackPolicy> currentPolicy) {
        return settings == currentSettings && snapshot == currentSnapshot && policy == currentPolicy;
    }

    /**
     * Returns the decision taken for a request with the same routing fields.
     *
     * @param request the request
     * @return the decision, or null if none was taken yet
     */
    Decided get(RunRequest request) {
        int slot = plainSlot(request);
        return slot >= 0 ? plain.get(slot) : others.get(Key.of(request));
    }

    /**
     * Keeps the decision taken for a request.
     *
     * @param request the request
     * @param decided the decision taken for it with this memo's inputs
     */
    void put(RunRequest request, Decided decided) {
        int slot = plainSlot(request);
        if (slot >= 0) {
            plain.set(slot, decided);
            return;
        }
        if (others.size() >= MAX_OTHERS) {
            others.clear();
        }
        others.put(Key.of(request), decided);
    }

    /** The slot of a request without job and override, or -1 for the others. */
    private static int plainSlot(RunRequest request) {
        if (request.jobId() != null || request.jobModelRef() != null || request.userOverride() != null) {
            return -1;
        }
        int kind = request.flow() != null ? request.flow().ordinal() : FLOWS + request.taskType().ordinal();
        RouteType routeType = request.routeType();
        return kind * ROUTE_TYPES + (routeType == null ? 0 : 1 + routeType.ordinal());
    }
}
