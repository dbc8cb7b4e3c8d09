package dev.otto.router;

import java.util.ArrayList;
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
        List<String> audit = new ArrayList<>();
        ModelRef systemDefault = systemDefault(request, flowDefaults, routing);
        ModelRef chosen;
        ResolutionSource source;
        String why;
        if (request.userOverride() != null) {
            chosen = request.userOverride();
            source = ResolutionSource.USER_OVERRIDE;
            why = "the user asked for " + chosen;
            ModelRef baseline = systemDefault != null ? systemDefault : catalog.findGlobalDefault().orElse(null);
            if (!chosen.equals(baseline)) {
                audit.add(PolicyAudit.POLICY_OVERRIDE);
            }
        } else if (request.jobModelRef() != null) {
            chosen = request.jobModelRef();
            source = ResolutionSource.JOB;
            why = "job " + request.jobId() + " names " + chosen;
        } else if (systemDefault != null) {
            chosen = systemDefault;
            source = request.flow() != null ? ResolutionSource.FLOW_DEFAULT : ResolutionSource.TASK_POLICY;
            why = request.flow() != null
                    ? "the default of flow " + request.flow().wireName() + " is " + chosen
                    : "the policy of task type " + request.taskType().wireName() + " is " + chosen;
        } else {
            return new Decision(Resolution.of(globalDefault(request, catalog, null), ResolutionSource.GLOBAL_DEFAULT),
                    null, "nothing overrides the OpenCode global default " + catalog.findGlobalDefault().orElseThrow(), audit);
        }
        if (catalog.isAvailable(chosen)) {
            return new Decision(Resolution.of(chosen, source), chosen, why, audit);
        }
        ModelRef fallback = globalDefault(request, catalog, chosen);
        audit.add(PolicyAudit.MODEL_UNAVAILABLE);
        return new Decision(Resolution.of(fallback, ResolutionSource.UNAVAILABLE_FALLBACK), chosen,
                why + ", which the catalog does not have: the OpenCode global default " + fallback + " is used instead",
                audit);
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
