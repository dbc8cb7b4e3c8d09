package dev.otto.shell;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobRepository;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.SkippedModel;

/** {@code otto:resolve}, {@code otto:plan} and {@code otto:plugins}: what the router would do, and with which plugins. */
@Component(service = RoutingCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=resolve",
        "osgi.command.function=plan",
        "osgi.command.function=plugins" })
@Descriptor("Otto routing: resolution, attempt plans and plugins")
public final class RoutingCommands {

    /** Stands in for the prompt: a plan never looks at it, and the request needs one. */
    private static final String NO_PROMPT = "(plan only)";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RoutingPlugins plugins;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile JobRepository jobs;

    private final Clock clock;

    public RoutingCommands() {
        this(null, null, null, Clock.systemUTC());
    }

    RoutingCommands(ModelRouter router, RoutingPlugins plugins, JobRepository jobs, Clock clock) {
        this.clock = clock;
        this.router = router;
        this.plugins = plugins;
        this.jobs = jobs;
    }

    @Descriptor("Show which model a flow (or a job) resolves to, from which source, and why")
    public String resolve(
            @Descriptor("the flow: interactiveAssistant, scheduledTasks, heartbeat or watchdogFailures")
            @Parameter(names = "--flow", absentValue = "") String flow,
            @Descriptor("a job id: use its flow and model override")
            @Parameter(names = "--job", absentValue = "0") long jobId,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        RunRequest request;
        if (jobId > 0) {
            Job job = jobs().get(jobId).orElseThrow(() -> new IllegalArgumentException(
                    "no job " + jobId + "; otto:jobs lists the jobs"));
            Flow jobFlow = flow.isEmpty() ? job.flow() : Flow.fromWire(flow);
            request = RunRequest.forFlow(jobFlow, "resolve-job-" + jobId, NO_PROMPT).withJob(jobId, job.modelRef());
        } else if (!flow.isEmpty()) {
            request = RunRequest.forFlow(Flow.fromWire(flow), "resolve", NO_PROMPT);
        } else {
            throw new IllegalArgumentException("give --flow <flow> or --job <id>, e.g. otto:resolve --flow heartbeat");
        }
        RoutePlan plan = router().plan(request);
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", plan.resolution().ref().toString());
            out.put("provider_id", plan.resolution().providerId());
            out.put("model_id", plan.resolution().modelId());
            out.put("source", plan.resolution().source().wireName());
            out.put("requested_model", plan.requestedModel() == null ? null : plan.requestedModel().toString());
            out.put("why", plan.explanation());
            return Json.write(out);
        }
        TextTable table = new TextTable("RESOLUTION", "");
        table.row("model", plan.resolution().ref());
        table.row("source", plan.resolution().source().wireName());
        table.row("why", plan.explanation());
        return table.toString();
    }

    @Descriptor("Show the attempt plan of a run: the resolved model and why, then the fallback chain without repeats "
            + "cut to the attempt budget, the models skipped (not in the catalog, cooling down until when) and why, "
            + "the route type, the audit the plan implies, the catalog snapshot id and the deadlines")
    public String plan(
            @Descriptor("the task type: coding, orchestration, analysis or general")
            @Parameter(names = "--task-type", absentValue = "") String taskType,
            @Descriptor("the flow, instead of a task type")
            @Parameter(names = "--flow", absentValue = "") String flow,
            @Descriptor("a user override, provider/model")
            @Parameter(names = "--override", absentValue = "") String override,
            @Descriptor("the route type the caller knows: subscription or api_key")
            @Parameter(names = "--route-type", absentValue = "") String routeType,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        if (taskType.isEmpty() == flow.isEmpty()) {
            throw new IllegalArgumentException("give exactly one of --task-type <type> and --flow <flow>, "
                    + "e.g. otto:plan --task-type coding");
        }
        RunRequest request = taskType.isEmpty()
                ? RunRequest.forFlow(Flow.fromWire(flow), "plan", NO_PROMPT)
                : RunRequest.forTask(TaskType.fromWire(taskType), "plan", NO_PROMPT);
        if (!override.isEmpty()) {
            request = request.withUserOverride(ModelRef.parse(override));
        }
        if (!routeType.isEmpty()) {
            request = request.withRouteType(RouteType.fromWire(routeType));
        }
        RoutePlan plan = router().plan(request);
        Instant now = clock.instant();
        return json ? Json.write(planJson(plan, now)) : planText(plan, now);
    }

    /** Resolution and why, attempts, skipped models, then route type, audit, catalog snapshot and deadlines. */
    static String planText(RoutePlan plan, Instant now) {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append("resolved ").append(plan.resolution().ref()).append(" (").append(plan.resolution().source().wireName())
                .append("): ").append(plan.explanation()).append(nl);
        if (plan.requestedModel() != null && !plan.requestedModel().equals(plan.resolution().ref())) {
            out.append("requested ").append(plan.requestedModel())
                    .append(", which is not in the catalog: the run begins with the global default instead").append(nl);
        }
        out.append(nl);
        if (plan.attempts().isEmpty()) {
            out.append("No model to try now: every candidate is skipped (see below).").append(nl);
        } else {
            TextTable attempts = new TextTable("ATTEMPT", "MODEL");
            for (int i = 0; i < plan.attempts().size(); i++) {
                attempts.row(i + 1, plan.attempts().get(i));
            }
            out.append(attempts);
        }
        out.append(nl);
        if (plan.skipped().isEmpty()) {
            out.append("No model skipped.").append(nl);
        } else {
            TextTable skipped = new TextTable("SKIPPED", "REASON", "ERROR CLASS", "UNTIL");
            for (SkippedModel s : plan.skipped()) {
                skipped.row(s.model(), s.reason().wireName(), s.errorClass(),
                        s.until() == null ? null : RoutingText.until(s.until(), now));
            }
            out.append(skipped);
        }
        TextTable facts = new TextTable("PLAN", "VALUE");
        facts.row("route type", plan.routeType().wireName());
        facts.row("audit", plan.policyAudit().isEmpty() ? "(none)" : String.join(", ", plan.policyAudit()));
        facts.row("catalog snapshot", plan.catalogSnapshotId());
        facts.row("deadlines", RoutingText.deadlines(plan.deadlines()));
        return out.append(nl).append(facts).toString();
    }

    static Map<String, Object> planJson(RoutePlan plan, Instant now) {
        Map<String, Object> resolution = new LinkedHashMap<>();
        resolution.put("model", plan.resolution().ref().toString());
        resolution.put("source", plan.resolution().source().wireName());
        resolution.put("why", plan.explanation());
        resolution.put("requested_model", plan.requestedModel() == null ? null : plan.requestedModel().toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resolution", resolution);
        out.put("attempts", plan.attempts().stream().map(ModelRef::toString).collect(Collectors.toList()));
        out.put("skipped", RoutingText.skippedJson(plan.skipped(), now));
        out.put("route_type", plan.routeType().wireName());
        out.put("policy_audit", plan.policyAudit());
        out.put("catalog_snapshot_id", plan.catalogSnapshotId());
        out.put("deadlines", RoutingText.deadlinesJson(plan.deadlines()));
        return out;
    }

    @Descriptor("Show the plugins the router uses: classifiers, fallback policy, invokers and telemetry sinks, "
            + "with bundle, ranking and, for sinks, queued, delivered, failed and dropped records")
    public String plugins(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        RoutingPlugins current = plugins;
        if (current == null) {
            throw new IllegalStateException(RoutingText.ROUTER_NOT_RUNNING);
        }
        List<RoutingPlugins.PluginInfo> list = current.plugins();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (RoutingPlugins.PluginInfo p : list) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kind", p.kind());
                row.put("name", p.name());
                row.put("bundle", p.bundle());
                row.put("ranking", p.ranking());
                row.put("in_use", p.inUse());
                row.put("queued", p.queued());
                row.put("delivered", p.delivered());
                row.put("failed", p.failed());
                row.put("dropped", p.dropped());
                rows.add(row);
            }
            return Json.write(rows);
        }
        TextTable table = new TextTable("KIND", "NAME", "BUNDLE", "RANKING", "QUEUED", "DELIVERED", "FAILED", "DROPPED");
        for (RoutingPlugins.PluginInfo p : list) {
            boolean sink = p.kind().equals("sink");
            table.row(p.kind(), p.name(), p.bundle(), p.ranking(), sink ? p.queued() : "-", sink ? p.delivered() : "-",
                    sink ? p.failed() : "-", sink ? p.dropped() : "-");
        }
        return list.isEmpty() ? "The router has no plugins bound: no classifier, policy, invoker or sink." : table.toString();
    }

    private ModelRouter router() {
        ModelRouter current = router;
        if (current == null) {
            throw new IllegalStateException(RoutingText.ROUTER_NOT_RUNNING);
        }
        return current;
    }

    private JobRepository jobs() {
        JobRepository current = jobs;
        if (current == null) {
            throw new IllegalStateException("the job database (bundle dev.otto.persistence) is not running; "
                    + "'otto:status' says why");
        }
        return current;
    }
}
