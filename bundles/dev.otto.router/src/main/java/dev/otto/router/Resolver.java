package dev.otto.router;

import java.util.List;
import java.util.Optional;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.telemetry.PolicyAudit;

/**
 * The one resolution rule of every runtime path, as a pure function of the request, the
 * configuration and the catalog snapshot:
 *
 * <ol>
 * <li>an explicit user override, else the job's {@code modelRef};</li>
 * <li>the flow's default (for a flow) or the task type's policy model (for a task type);</li>
 * <li>the OpenCode global default.</li>
 * </ol>
 *
 * A chosen model the catalog does not have is replaced by the global default
 * ({@code unavailable_fallback}). With no flow defaults and no overrides this is exactly "use the
 * OpenCode global default", as before Otto.
 */
final class Resolver {

    private Resolver() {
    }

    static Decision resolve(RunRequest request, FlowDefaults flowDefaults, RoutingSettings routing, CatalogSnapshot catalog) {
        ModelRef systemDefault = systemDefault(request, flowDefaults, routing);
        ModelRef chosen;
        ResolutionSource source;
        boolean overridden = false;
        if (request.userOverride() != null) {
            chosen = request.userOverride();
            source = ResolutionSource.USER_OVERRIDE;
            ModelRef baseline = systemDefault != null ? systemDefault : catalog.findGlobalDefault().orElse(null);
            overridden = !chosen.equals(baseline);
        } else if (request.jobModelRef() != null) {
            chosen = request.jobModelRef();
            source = ResolutionSource.JOB;
        } else if (systemDefault != null) {
            chosen = systemDefault;
            source = request.flow() != null ? ResolutionSource.FLOW_DEFAULT : ResolutionSource.TASK_POLICY;
        } else {
            ModelRef global = globalDefault(request, catalog, null);
            return new Decision(Resolution.of(global, ResolutionSource.GLOBAL_DEFAULT), global, null, List.of(), request);
        }
        if (catalog.isAvailable(chosen)) {
            return new Decision(Resolution.of(chosen, source), chosen, chosen,
                    overridden ? List.of(PolicyAudit.POLICY_OVERRIDE) : List.of(), request);
        }
        ModelRef fallback = globalDefault(request, catalog, chosen);
        return new Decision(Resolution.of(fallback, ResolutionSource.UNAVAILABLE_FALLBACK), fallback, chosen,
                overridden ? List.of(PolicyAudit.POLICY_OVERRIDE, PolicyAudit.MODEL_UNAVAILABLE)
                        : List.of(PolicyAudit.MODEL_UNAVAILABLE),
                request);
    }

    /**
     * Why the decision came out as it did, in one sentence; built only when asked for (by
     * {@code plan}, never by a run). The branch is that of {@link #resolve}: the precedence of the
     * request's parts, then the source.
     */
    static String explain(Decision decision) {
        RunRequest request = decision.request();
        ModelRef used = decision.model();
        ModelRef chosen = decision.requested();
        if (chosen == null) {
            return "nothing overrides the OpenCode global default " + used;
        }
        String why;
        if (request.userOverride() != null) {
            why = "the user asked for " + chosen;
        } else if (request.jobModelRef() != null) {
            why = "job " + request.jobId() + " names " + chosen;
        } else if (request.flow() != null) {
            why = "the default of flow " + request.flow().wireName() + " is " + chosen;
        } else {
            why = "the policy of task type " + request.taskType().wireName() + " is " + chosen;
        }
        if (decision.resolution().source() != ResolutionSource.UNAVAILABLE_FALLBACK) {
            return why;
        }
        return why + ", which the catalog does not have: the OpenCode global default " + used + " is used instead";
    }

    /** What the system would pick without the user: the flow default or task policy, if configured. */
    static ModelRef systemDefault(RunRequest request, FlowDefaults flowDefaults, RoutingSettings routing) {
        Optional<ModelRef> configured = request.flow() != null
                ? flowDefaults.forFlow(request.flow())
                : routing.taskPolicyFor(request.taskType());
        return configured.orElse(null);
    }

    private static ModelRef globalDefault(RunRequest request, CatalogSnapshot catalog, ModelRef unavailable) {
        Optional<ModelRef> global = catalog.findGlobalDefault();
        if (global.isPresent() && catalog.isAvailable(global.get())) {
            return global.get();
        }
        throw new NoModelAvailableException(request.taskId(), unavailable, global.orElse(null));
    }
}
