package dev.otto.router;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.CollectionType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingConfig;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelResolver;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.PolicyAudit;
import dev.otto.api.telemetry.RunTelemetry;

/**
 * The routing boundary: every model-bearing action goes through {@link #run}. Resolve, plan,
 * execute each attempt through an invoker under the run's deadline, classify failures, step along
 * the plan with a {@code model_fallback} event per step, and hand one {@code RunTelemetry} per run
 * to every sink.
 *
 * <p>Plugins (classifiers, the fallback policy, invokers, sinks) are dynamic references: binding,
 * unbinding or updating one never deactivates the router, and a call in flight keeps the plugins
 * it started with (each run copies the references to locals once).
 */
@Component(service = { ModelRouter.class, ModelResolver.class, RoutingPlugins.class },
        configurationPid = ConfigPids.ROUTING, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class RoutingService implements ModelRouter, ModelResolver, RoutingPlugins {

    /** Records a sink may have waiting before the newest are dropped. */
    static final int SINK_QUEUE = 4096;
    /** Audit token: no fallback policy was bound, so the chain is only routing.fallbackChain from config. */
    static final String NO_FALLBACK_POLICY = "no_fallback_policy";
    /** How long past an attempt's deadline an invoker may take before the router interrupts it. */
    static final Duration OVERRUN_GRACE = Duration.ofSeconds(2);
    /** How often the watchdog looks for attempts past their deadline. */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(100);

    @Reference
    ModelCatalog catalog;

    @Reference(service = LoggerFactory.class)
    Logger logger;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, collectionType = CollectionType.TUPLE)
    volatile List<Map.Entry<Map<String, Object>, FailureClassifier>> classifiers = List.of();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Map.Entry<Map<String, Object>, FallbackPolicy> policy;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, collectionType = CollectionType.TUPLE)
    volatile List<Map.Entry<Map<String, Object>, ModelInvoker>> invokers = List.of();

    private final Map<TelemetrySink, Map<String, Object>> sinks = new ConcurrentHashMap<>();
    private final TelemetryHub hub;
    private final Clock clock;
    private final RunClock runClock;
    private final AttemptWatchdog watchdog;
    private final RunIds runIds = new RunIds();
    private volatile Settings settings = new Settings(FlowDefaults.NONE, RoutingSettings.DEFAULTS, "defaults");
    /** Decisions taken with the configuration, catalog snapshot and policy last seen; replaced when one changes. */
    private volatile DecisionMemo memo = new DecisionMemo(null, null, null);
    /** The classifiers and invokers in the order they are consulted, with the lists they were sorted from. */
    private volatile Ranked<FailureClassifier> rankedClassifiers = new Ranked<>(null, List.of());
    private volatile Ranked<ModelInvoker> rankedInvokers = new Ranked<>(null, List.of());

    /** The routing configuration in force, swapped whole. */
    record Settings(FlowDefaults flowDefaults, RoutingSettings routing, String configVersion) {
    }

    public RoutingService() {
        this(Clock.systemUTC());
    }

    RoutingService(Clock clock) {
        this.clock = clock;
        this.runClock = new RunClock(clock);
        this.hub = new TelemetryHub(SINK_QUEUE, message -> {
            Logger current = logger;
            if (current != null) {
                current.warn(message);
            }
        });
        // one sweep a tick over the attempts in flight: starting an attempt is a write to the
        // thread's own watch, so the hot path never wakes a thread or queues a task (bench/: RouterBenchmark)
        this.watchdog = new AttemptWatchdog(clock, WATCHDOG_TICK, OVERRUN_GRACE);
    }

    @Activate
    @Modified
    void configure(RoutingConfig config) {
        settings = new Settings(ConfigProperties.flowDefaults(config), ConfigProperties.routingSettings(config),
                config.config_version());
    }

    /** Configuration without OSGi, for tests. */
    void configure(FlowDefaults flowDefaults, RoutingSettings routing, String configVersion) {
        settings = new Settings(flowDefaults, routing, configVersion);
    }

    @Deactivate
    void deactivate() {
        watchdog.close();
        hub.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeSink")
    void addSink(TelemetrySink sink, Map<String, Object> properties) {
        sinks.put(sink, properties);
        hub.add(sink, pluginName(properties, sink));
    }

    void removeSink(TelemetrySink sink) {
        sinks.remove(sink);
        hub.remove(sink);
    }

    @Override
    public Resolution resolve(RunRequest request) {
        Settings current = settings;
        CatalogSnapshot snapshot = catalog.snapshot();
        DecisionMemo.Decided known = memoFor(current, snapshot, this.policy).get(request);
        if (known == null) {
            return decide(request, snapshot, current).resolution();
        }
        warnIfUnavailable(request, known.decision());
        return known.decision().resolution();
    }

    @Override
    public RoutePlan plan(RunRequest request) {
        return decided(request, settings, this.policy).plan();
    }

    /**
     * The decision for a request and the plan built from it: taken once per set of routing fields
     * of the request while the configuration, the catalog snapshot and the policy stay the same
     * objects ({@link DecisionMemo}). What is observable per call still happens per call, in the
     * same order as for a decision not memoized: the {@code model_unavailable} warning, then the
     * policy's chain, which a plan is reused for only if it is the chain the plan was built from.
     */
    private DecisionMemo.Decided decided(RunRequest request, Settings current,
            Map.Entry<Map<String, Object>, FallbackPolicy> policyEntry) {
        CatalogSnapshot snapshot = catalog.snapshot();
        DecisionMemo memo = memoFor(current, snapshot, policyEntry);
        DecisionMemo.Decided known = memo.get(request);
        Decision decision;
        if (known != null) {
            decision = known.decision();
            warnIfUnavailable(request, decision);
        } else {
            decision = decide(request, snapshot, current);
        }
        FallbackPolicy fallbackPolicy = policyOf(policyEntry);
        RoutingSettings routing = current.routing();
        List<ModelRef> chain = fallbackPolicy != null ? fallbackPolicy.fallbackChain(request, routing)
                : routing.fallbackChain();
        if (known != null && known.isFor(chain)) {
            return known;
        }
        RoutePlan plan = planOf(request, decision, routing, fallbackPolicy == null, chain);
        DecisionMemo.Decided fresh = new DecisionMemo.Decided(decision, List.copyOf(chain), plan);
        if (known == null) {
            memo.put(request, fresh);
        }
        return fresh;
    }

    /** The memo for these inputs: the one in use, or a new one if an input is not the object it was taken with. */
    private DecisionMemo memoFor(Settings current, CatalogSnapshot snapshot,
            Map.Entry<Map<String, Object>, FallbackPolicy> policyEntry) {
        DecisionMemo known = memo;
        if (known.isFor(current, snapshot, policyEntry)) {
            return known;
        }
        DecisionMemo fresh = new DecisionMemo(current, snapshot, policyEntry);
        memo = fresh;
        return fresh;
    }

    /** The plan: the resolved model, then the chain without repeats, cut to the budget; route type and audit. */
    private static RoutePlan planOf(RunRequest request, Decision decision, RoutingSettings routing, boolean noPolicy,
            List<ModelRef> chain) {
        List<String> audit = decision.audit();
        if (noPolicy) {
            audit = with(audit, NO_FALLBACK_POLICY);
        }
        RouteType routeType = request.routeType();
        if (routeType == null) {
            Optional<RouteType> configured = routing.routeTypeFor(decision.resolution().providerId());
            routeType = configured.orElse(RouteType.API_KEY);
            if (configured.isEmpty()) {
                audit = with(audit, PolicyAudit.ROUTE_TYPE_DEFAULTED);
            }
        }
        Planner.Plan plan = Planner.planOf(decision.model(), chain, routing.attemptBudget());
        if (plan.budgetApplied()) {
            audit = with(audit, PolicyAudit.ATTEMPT_BUDGET_APPLIED);
        }
        return new RoutePlan(decision.resolution(), decision.requested(), decision.explanation(), plan.attempts(),
                routeType, audit);
    }

    /** The list and one more entry; the list is copied only when something is added (rarely). */
    private static List<String> with(List<String> list, String entry) {
        List<String> more = new ArrayList<>(list.size() + 2);
        more.addAll(list);
        more.add(entry);
        return more;
    }

    private Decision decide(RunRequest request, CatalogSnapshot snapshot, Settings current) {
        Decision decision = Resolver.resolve(request, current.flowDefaults(), current.routing(), snapshot);
        warnIfUnavailable(request, decision);
        return decision;
    }

    /** The {@code model_unavailable} warning, logged by every call whose decision replaced an unavailable model. */
    private void warnIfUnavailable(RunRequest request, Decision decision) {
        if (decision.audit().contains(PolicyAudit.MODEL_UNAVAILABLE)) {
            // one structured line; passed as an argument so the logger never reads its braces as placeholders
            logger.warn("{}", "{\"event\":\"model_unavailable\",\"requested_model\":\"" + decision.requested() + "\",\""
                    + (request.flow() != null ? "flow\":\"" + request.flow().wireName() : "task_type\":\"" + request.taskType().wireName())
                    + "\",\"job_id\":" + request.jobId() + ",\"catalog_age_ms\":" + catalogAge(clock.instant())
                    + ",\"used\":\"" + decision.model() + "\"}");
        }
    }

    /**
     * Runs a request along its plan. Every time of the run (attempt starts and ends, deadlines,
     * durations) is its start on the wall clock plus the time the monotonic clock has measured
     * since ({@link RunClock}): durations and deadlines are immune to a wall clock stepped back or
     * forward during the run (NTP, an operator), and an attempt costs one clock read.
     */
    @Override
    public RunResult run(RunRequest request) throws RoutingException {
        long startTick = runClock.tick();
        Instant started = runClock.wallAt(startTick);
        String runId = runIds.next(started);
        Settings current = settings;
        Map.Entry<Map<String, Object>, FallbackPolicy> policyEntry = this.policy;
        FallbackPolicy fallbackPolicy = policyOf(policyEntry);
        List<FailureClassifier> classifierChain = classifierChain();
        List<ModelInvoker> invokerChain = invokerChain();
        long budget = saturatedNanos(
                request.deadline() != null ? request.deadline() : current.routing().runDeadline());
        // telemetry nobody receives is not built: a sink bound while the run goes on gets the next run
        boolean recording = hub.hasSinks();

        RoutePlan route;
        try {
            route = decided(request, current, policyEntry).plan();
        } catch (NoModelAvailableException e) {
            publishRun(recording, runId, request, null, RouteType.API_KEY, List.of(), List.of(), RunOutcome.FAILED,
                    ErrorClass.UNKNOWN, started, started.plusNanos(runClock.tick() - startTick),
                    List.of(PolicyAudit.MODEL_UNAVAILABLE), current);
            throw new RoutingException(runId, request.taskId(), RunOutcome.FAILED, List.of(), ReasonCode.CAPACITY,
                    ErrorClass.UNKNOWN, e);
        }
        List<String> audit = route.policyAudit();
        List<ModelRef> models = route.attempts();
        List<Attempt> attempts = new ArrayList<>(models.size());
        List<ModelTransition> transitions = recording ? new ArrayList<>(models.size() - 1) : List.of();
        Classification last = null;
        RunOutcome outcome = RunOutcome.FAILED;
        AttemptWatchdog.Watch watch = watchdog.watch();
        // the current attempt's start: nanoseconds since the run's start, and that time on the wall clock
        long attemptTick = 0;
        Instant attemptStart = started;
        for (int i = 0; i < models.size(); i++) {
            ModelRef model = models.get(i);
            // later attempts keep their share: an attempt gets the remaining time divided by the attempts left
            Instant attemptDeadline = attemptDeadline(attemptStart, budget - attemptTick, models.size() - i);
            if (attemptDeadline == null) {
                audit = with(audit, PolicyAudit.DEADLINE_EXCEEDED);
                outcome = RunOutcome.TIMED_OUT;
                break;
            }
            InvocationResult result;
            try {
                result = invoke(watch, invokerChain, model,
                        new Invocation(runId, request.taskId(), i + 1, model, request.prompt(), attemptDeadline));
            } catch (Exception failure) {
                last = classify(classifierChain, failure);
                long endTick = runClock.tick() - startTick;
                Instant end = started.plusNanos(endTick);
                attempts.add(new Attempt(i + 1, model, last.reason(), last.errorClass(), attemptStart,
                        Duration.ofNanos(endTick - attemptTick), 0, 0));
                if (last.reason() == ReasonCode.TIMEOUT && endTick >= budget) {
                    audit = with(audit, PolicyAudit.DEADLINE_EXCEEDED);
                    outcome = RunOutcome.TIMED_OUT;
                    break;
                }
                if (i == models.size() - 1) {
                    break;
                }
                if (fallbackPolicy != null && !fallbackPolicy.shouldContinue(last, i + 1)) {
                    audit = with(audit, PolicyAudit.POLICY_STOPPED);
                    break;
                }
                // the step is taken when the failed attempt is over: its end is the step's time, and
                // the next attempt's start (one clock read per attempt)
                if (recording) {
                    ModelTransition step = new ModelTransition(i + 1, model, models.get(i + 1), last.reason(),
                            last.errorClass(), end);
                    transitions.add(step);
                    hub.publish(FallbackEvent.of(runId, request.taskId(), route.routeType(), step));
                }
                attemptTick = endTick;
                attemptStart = end;
                continue;
            }
            // only the invocation can fail the attempt: what follows is the router's own bookkeeping
            long endTick = runClock.tick() - startTick;
            Instant end = started.plusNanos(endTick);
            attempts.add(new Attempt(i + 1, model, ReasonCode.NONE, null, attemptStart,
                    Duration.ofNanos(endTick - attemptTick), result.tokensIn(), result.tokensOut()));
            publishRun(recording, runId, request, route, route.routeType(), attempts, transitions, RunOutcome.SUCCESS,
                    null, started, end, audit, current);
            return new RunResult(runId, request.taskId(), route.resolution(), model, attempts, RunOutcome.SUCCESS,
                    result.text(), tokensIn(attempts), tokensOut(attempts));
        }
        ReasonCode finalReason = last == null ? ReasonCode.TIMEOUT : last.reason();
        ErrorClass finalClass = last == null ? ErrorClass.TIMEOUT_ERROR : last.errorClass();
        publishRun(recording, runId, request, route, route.routeType(), attempts, transitions, outcome, finalClass,
                started, started.plusNanos(runClock.tick() - startTick), audit, current);
        throw new RoutingException(runId, request.taskId(), outcome, attempts, finalReason, finalClass, null);
    }

    /**
     * The deadline of an attempt: its start plus the time left divided by the attempts left, or
     * null if no time is left.
     *
     * @param attemptStart when the attempt starts
     * @param left nanoseconds left of the run's budget at that time
     * @param attemptsLeft the attempts left, this one included
     */
    static Instant attemptDeadline(Instant attemptStart, long left, int attemptsLeft) {
        return left <= 0 ? null : attemptStart.plusNanos(left / attemptsLeft);
    }

    /** The duration in nanoseconds, or {@code Long.MAX_VALUE} (292 years) for a longer one. */
    static long saturatedNanos(Duration duration) {
        return duration.getSeconds() < Long.MAX_VALUE / 1_000_000_000L - 1 ? duration.toNanos() : Long.MAX_VALUE;
    }

    private static long tokensIn(List<Attempt> attempts) {
        long sum = 0;
        for (Attempt attempt : attempts) {
            sum += attempt.tokensIn();
        }
        return sum;
    }

    private static long tokensOut(List<Attempt> attempts) {
        long sum = 0;
        for (Attempt attempt : attempts) {
            sum += attempt.tokensOut();
        }
        return sum;
    }

    /**
     * Runs one attempt in the caller's thread; an invoker that overruns its deadline is interrupted.
     * Kept small, with the rare paths in methods of their own, so that the JIT inlines it into
     * {@link #run}: an invoker's exception then reaches the run's {@code catch} as a jump instead
     * of through the runtime's exception unwinding (bench/: RouterBenchmark b2).
     */
    private static InvocationResult invoke(AttemptWatchdog.Watch watch, List<ModelInvoker> invokerChain, ModelRef model,
            Invocation invocation) throws Exception {
        ModelInvoker invoker = invokerFor(invokerChain, model);
        Instant deadline = invocation.deadline();
        Object outer = watch.start(deadline);
        try {
            return invoker.invoke(invocation);
        } finally {
            if (watch.end(deadline, outer)) {
                throw overran();
            }
        }
    }

    private static ModelInvoker invokerFor(List<ModelInvoker> invokerChain, ModelRef model) throws NoInvokerException {
        for (int i = 0; i < invokerChain.size(); i++) {
            ModelInvoker candidate = invokerChain.get(i);
            if (candidate.supports(model)) {
                return candidate;
            }
        }
        throw new NoInvokerException(model);
    }

    private static TimeoutException overran() {
        return new TimeoutException("the invoker overran the attempt deadline");
    }

    private static Classification classify(List<FailureClassifier> classifierChain, Throwable failure) {
        if (failure instanceof NoInvokerException) {
            return new Classification(ReasonCode.CAPACITY, ErrorClass.NO_INVOKER);
        }
        for (FailureClassifier classifier : classifierChain) {
            try {
                Optional<Classification> answer = classifier.classify(failure);
                if (answer.isPresent()) {
                    return answer.get();
                }
            } catch (RuntimeException broken) {
                // a broken classifier must not fail the run: ask the next one
            }
        }
        return Classification.UNKNOWN;
    }

    private void publishRun(boolean recording, String runId, RunRequest request, RoutePlan route, RouteType routeType,
            List<Attempt> attempts, List<ModelTransition> transitions, RunOutcome outcome, ErrorClass errorClass,
            Instant started, Instant finished, List<String> audit, Settings current) {
        if (!recording) {
            return; // a record no sink receives is not built; the caller's RunResult has everything it needs
        }
        ModelRef finalModel = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).model();
        // a route's first attempt is its resolved model
        ModelRef selected = route == null ? null : route.attempts().get(0);
        hub.publish(new RunTelemetry(runId, request.taskId(), request.taskType(), request.flow(), request.jobId(), routeType,
                route == null ? null : route.resolution().source(),
                route == null ? null : route.requestedModel() != null ? route.requestedModel() : selected,
                selected, finalModel, transitions, attempts.size(), outcome,
                outcome == RunOutcome.SUCCESS ? null : errorClass,
                tokensIn(attempts), tokensOut(attempts), started, finished, dedupe(audit), catalogAge(finished),
                current.configVersion()));
    }

    private long catalogAge(Instant now) {
        return catalog.freshness().age(now).toMillis();
    }

    /** The entries without repeats, in order; the list itself when it has none (the usual case). */
    private static List<String> dedupe(List<String> audit) {
        for (int i = 1; i < audit.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (audit.get(i).equals(audit.get(j))) {
                    return audit.stream().distinct().toList();
                }
            }
        }
        return audit;
    }

    @Override
    public List<PluginInfo> plugins() {
        List<PluginInfo> plugins = new ArrayList<>();
        List<Map.Entry<Map<String, Object>, FailureClassifier>> classifierTuples = sortedTuples(classifiers);
        for (Map.Entry<Map<String, Object>, FailureClassifier> entry : classifierTuples) {
            plugins.add(info("classifier", entry.getKey(), entry.getValue(), true, null));
        }
        Map.Entry<Map<String, Object>, FallbackPolicy> current = policy;
        if (current != null) {
            plugins.add(info("policy", current.getKey(), current.getValue(), true, null));
        }
        for (Map.Entry<Map<String, Object>, ModelInvoker> entry : sortedTuples(invokers)) {
            plugins.add(info("invoker", entry.getKey(), entry.getValue(), true, null));
        }
        sinks.forEach((sink, properties) -> plugins.add(info("sink", properties, sink, true, hub.stats(sink))));
        return plugins;
    }

    private static PluginInfo info(String kind, Map<String, Object> properties, Object plugin, boolean inUse,
            TelemetryHub.Stats stats) {
        String bundle = Optional.ofNullable(FrameworkUtil.getBundle(plugin.getClass()))
                .map(b -> b.getSymbolicName()).orElse("?");
        TelemetryHub.Stats counters = stats == null ? new TelemetryHub.Stats(0, 0, 0, 0) : stats;
        return new PluginInfo(kind, pluginName(properties, plugin), bundle, ranking(properties), inUse,
                counters.queued(), counters.delivered(), counters.failed(), counters.dropped());
    }

    private static String pluginName(Map<String, Object> properties, Object plugin) {
        Object name = properties.get(PluginProperties.NAME);
        return name != null ? name.toString() : plugin.getClass().getName();
    }

    private static int ranking(Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        return ranking instanceof Integer ? (Integer) ranking : 0;
    }

    private static <S> FallbackPolicy policyOf(Map.Entry<Map<String, Object>, FallbackPolicy> entry) {
        return entry == null ? null : entry.getValue();
    }

    /** Highest ranking first, then lowest service id: the order plugins are consulted in. */
    private static <S> List<Map.Entry<Map<String, Object>, S>> sortedTuples(List<Map.Entry<Map<String, Object>, S>> tuples) {
        List<Map.Entry<Map<String, Object>, S>> sorted = new ArrayList<>(tuples);
        sorted.sort(Comparator.<Map.Entry<Map<String, Object>, S>>comparingInt(e -> -ranking(e.getKey()))
                .thenComparingLong(e -> serviceId(e.getKey())));
        return sorted;
    }

    private static <S> List<S> ranked(List<Map.Entry<Map<String, Object>, S>> tuples) {
        return sortedTuples(tuples).stream().map(Map.Entry::getValue).toList();
    }

    /**
     * Plugins in the order they are consulted, sorted once per set of bound services: a dynamic
     * field reference is replaced whole whenever a service binds, unbinds or changes its
     * properties, so a list that is still the same object needs no new sort.
     */
    private record Ranked<S>(List<Map.Entry<Map<String, Object>, S>> source, List<S> plugins) {
    }

    private List<FailureClassifier> classifierChain() {
        List<Map.Entry<Map<String, Object>, FailureClassifier>> tuples = this.classifiers;
        Ranked<FailureClassifier> memo = rankedClassifiers;
        if (memo.source() != tuples) {
            memo = new Ranked<>(tuples, ranked(tuples));
            rankedClassifiers = memo;
        }
        return memo.plugins();
    }

    private List<ModelInvoker> invokerChain() {
        List<Map.Entry<Map<String, Object>, ModelInvoker>> tuples = this.invokers;
        Ranked<ModelInvoker> memo = rankedInvokers;
        if (memo.source() != tuples) {
            memo = new Ranked<>(tuples, ranked(tuples));
            rankedInvokers = memo;
        }
        return memo.plugins();
    }

    private static long serviceId(Map<String, Object> properties) {
        Object id = properties.get(Constants.SERVICE_ID);
        return id instanceof Long ? (Long) id : Long.MAX_VALUE;
    }

    /** No invoker supports the model: the attempt fails as capacity/NoInvoker and the plan goes on. */
    static final class NoInvokerException extends Exception {
        private static final long serialVersionUID = 1L;

        NoInvokerException(ModelRef model) {
            super("no model invoker supports " + model, null, false, false);
        }
    }
}
