/*
 * The routing boundary in one place: the decision (resolve and plan), the run loop with its
 * deadlines, skips, cooldowns and observer calls, and the records of the run. About 570 lines:
 * splitting the run loop would spread one deterministic sequence over several classes.
 */
package dev.otto.router;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
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
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.Attempt;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelResolver;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.NoModelAvailableException;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.Resolution;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RoutingException;
import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.routing.RunDeadlines;
import dev.otto.api.routing.RunObserver;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.routing.SkipReason;
import dev.otto.api.routing.SkippedModel;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.PolicyAudit;
import dev.otto.api.telemetry.RunTelemetry;

/**
 * The routing boundary: every model-bearing action goes through {@link #run}. One decision per
 * run (resolve, then plan against the catalog snapshot and the cooldowns in force), then each
 * attempt through an invoker under its deadlines, each failure classified, each step to the next
 * model published as a {@code model_fallback} event, and one {@code RunTelemetry} per run handed
 * to every sink.
 *
 * <p>During a run, an attempt that fails with an error every model of its provider shares
 * ({@link #PROVIDER_LEVEL}) skips that provider's remaining models; an answer that names a
 * {@code Retry-After} makes later plans skip the model until then. Both depend only on what the
 * run's own attempts answered, so the same inputs still give the same plan.
 *
 * <p>Plugins (classifiers, the fallback policy, invokers, sinks) are dynamic references: binding,
 * unbinding or updating one never deactivates the router, and a run keeps the plugins it started with.
 */
@Component(service = { ModelRouter.class, ModelResolver.class, RoutingPlugins.class },
        configurationPid = ConfigPids.ROUTING, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class RoutingService implements ModelRouter, ModelResolver, RoutingPlugins {

    /** Records a sink may have waiting before the newest are dropped. */
    static final int SINK_QUEUE = 4096;
    /** Audit token: no fallback policy was bound, so the chain is only routing.fallbackChain from config. */
    static final String NO_FALLBACK_POLICY = "no_fallback_policy";
    /** How long past an attempt's deadline an invoker may take before the router interrupts it. */
    static final Duration OVERRUN_GRACE = Duration.ofSeconds(2);
    /** How often the watchdog looks for attempts past their deadline. */
    static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
    /**
     * Failures every model of the provider shares: its credentials, its quota, its reachability.
     * After one, the run skips the provider's other models.
     */
    static final Set<ErrorClass> PROVIDER_LEVEL = Set.of(ErrorClass.AUTH_ERROR, ErrorClass.of("QuotaExceeded"),
            ErrorClass.CONNECTION_ERROR);
    /** The error class of a run that found every model of its plan cooling down. */
    static final ErrorClass COOLING_DOWN = ErrorClass.of("CoolingDown");

    private final ModelCatalog catalog;
    private final Logger logger;
    private final Clock clock;
    private final Plugins plugins = new Plugins();
    private final Cooldowns cooldowns = new Cooldowns();
    private final Map<TelemetrySink, Map<String, Object>> sinks = new ConcurrentHashMap<>();
    private final TelemetryHub hub;
    private final AttemptWatchdog watchdog;
    private final RunIds runIds = new RunIds();
    private volatile Settings settings;

    /** The routing configuration in force, swapped whole. */
    record Settings(FlowDefaults flowDefaults, RoutingSettings routing, String configVersion) {
    }

    /** One decision: what the resolver chose, the plan made from it, and the plan as the API shows it. */
    private record Decided(Decision decision, Planner.Plan plan, RoutePlan route) {
    }

    @Activate
    public RoutingService(@Reference ModelCatalog catalog, @Reference(service = LoggerFactory.class) Logger logger,
            RoutingConfig config, BundleContext context) {
        this(catalog, logger, Clock.systemUTC(), settingsOf(config), ExpectedSinks.of(context::getProperty, m -> logger.warn(m)));
    }

    /**
     * A router without OSGi: the catalog, a logger, the clock its wall times come from, and its settings.
     */
    RoutingService(ModelCatalog catalog, Logger logger, Clock clock, Settings settings) {
        this(catalog, logger, clock, settings, ExpectedSinks.NONE);
    }

    /** A router without OSGi that holds telemetry for the expected sinks until they bind. */
    RoutingService(ModelCatalog catalog, Logger logger, Clock clock, Settings settings, ExpectedSinks expected) {
        this.catalog = catalog;
        this.logger = logger;
        this.clock = clock;
        this.settings = settings;
        this.hub = new TelemetryHub(SINK_QUEUE, logger::warn, expected.names(), expected.holdFor(), System::nanoTime);
        this.watchdog = new AttemptWatchdog(System::nanoTime, WATCHDOG_TICK, OVERRUN_GRACE);
    }

    @Modified
    void modified(RoutingConfig config) {
        settings = settingsOf(config);
    }

    /** Replaces the settings, for tests. */
    void configure(FlowDefaults flowDefaults, RoutingSettings routing, String configVersion) {
        settings = new Settings(flowDefaults, routing, configVersion);
    }

    private static Settings settingsOf(RoutingConfig config) {
        return new Settings(ConfigProperties.flowDefaults(config), ConfigProperties.routingSettings(config),
                config.config_version());
    }

    @Deactivate
    void deactivate() {
        watchdog.close();
        hub.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeClassifier", updated = "addClassifier")
    void addClassifier(FailureClassifier classifier, Map<String, Object> properties) {
        plugins.addClassifier(classifier, properties);
    }

    void removeClassifier(FailureClassifier classifier) {
        plugins.removeClassifier(classifier);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetPolicy", updated = "setPolicy")
    void setPolicy(FallbackPolicy policy, Map<String, Object> properties) {
        plugins.setPolicy(policy, properties);
    }

    void unsetPolicy(FallbackPolicy policy) {
        plugins.unsetPolicy(policy);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeInvoker", updated = "addInvoker")
    void addInvoker(ModelInvoker invoker, Map<String, Object> properties) {
        plugins.addInvoker(invoker, properties);
    }

    void removeInvoker(ModelInvoker invoker) {
        plugins.removeInvoker(invoker);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeSink")
    void addSink(TelemetrySink sink, Map<String, Object> properties) {
        sinks.put(sink, properties);
        hub.add(sink, new Plugins.Entry<>(sink, properties).name());
    }

    void removeSink(TelemetrySink sink) {
        sinks.remove(sink);
        hub.remove(sink);
    }

    @Override
    public Resolution resolve(RunRequest request) {
        Settings current = settings;
        return Resolver.resolve(request, current.flowDefaults(), current.routing(), catalog.snapshot()).resolution();
    }

    @Override
    public RoutePlan plan(RunRequest request) {
        return decide(request, settings, plugins.current(), clock.instant()).route();
    }

    @Override
    public List<Cooldown> cooldowns() {
        return cooldowns.list(clock.instant());
    }

    @Override
    public ActiveRouting active() {
        Settings current = settings;
        Plugins.Entry<FallbackPolicy> policy = plugins.current().policy();
        RunRequest typical = RunRequest.forFlow(Flow.INTERACTIVE_ASSISTANT, "active-routing", "(routing view)");
        List<ModelRef> chain = chainOf(policy == null ? null : policy.plugin(), typical, current.routing());
        int configured = current.routing().attemptBudget();
        return new ActiveRouting(current.routing(), current.configVersion(), chain,
                policy == null ? "routing.fallbackChain (no policy bound)" : "policy " + policy.name(),
                configured > 0 ? configured : 1 + chain.size());
    }

    @Override
    public List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>(plugins.describe());
        sinks.forEach((sink, properties) -> {
            Plugins.Entry<TelemetrySink> entry = new Plugins.Entry<>(sink, properties);
            TelemetryHub.Stats stats = hub.stats(sink);
            out.add(new PluginInfo("sink", entry.name(), Plugins.bundleOf(sink), entry.ranking(), true, stats.queued(),
                    stats.delivered(), stats.failed(), stats.dropped()));
        });
        // expected sinks that are not bound: not in use, with what is held for them and what they missed
        hub.absent().forEach((name, stats) -> out.add(new PluginInfo("sink", name, "-", 0, false, stats.queued(),
                stats.delivered(), stats.failed(), stats.dropped())));
        return out;
    }

    /**
     * The one decision of a run or plan: the resolution, the policy's chain (asked once), the plan
     * against the catalog snapshot and the cooldowns at {@code now}, the route type and the audit.
     */
    private Decided decide(RunRequest request, Settings current, Plugins.Bound bound, Instant now) {
        CatalogSnapshot snapshot = catalog.snapshot();
        RoutingSettings routing = current.routing();
        Decision decision = Resolver.resolve(request, current.flowDefaults(), routing, snapshot);
        FallbackPolicy policy = bound.fallbackPolicy();
        List<ModelRef> chain = chainOf(policy, request, routing);
        Planner.Plan plan = Planner.plan(decision.model(), chain, routing.attemptBudget(), snapshot,
                cooldowns.active(now));
        Set<String> audit = new LinkedHashSet<>(decision.audit());
        if (policy == null) {
            audit.add(NO_FALLBACK_POLICY);
        }
        RouteType routeType = request.routeType();
        if (routeType == null) {
            Optional<RouteType> configured = routing.routeTypeFor(decision.resolution().providerId());
            routeType = configured.orElse(RouteType.API_KEY);
            if (configured.isEmpty()) {
                audit.add(PolicyAudit.ROUTE_TYPE_DEFAULTED);
            }
        }
        audit.addAll(plan.audit());
        RoutePlan route = new RoutePlan(decision.resolution(), decision.requested(), Resolver.explain(decision),
                plan.attempts(), plan.skipped(), routeType, List.copyOf(audit), snapshot.snapshotId(),
                deadlines(request, routing));
        return new Decided(decision, plan, route);
    }

    /** The policy's chain, or the configured one; a policy that throws is not allowed to fail the run. */
    private List<ModelRef> chainOf(FallbackPolicy policy, RunRequest request, RoutingSettings routing) {
        if (policy == null) {
            return routing.fallbackChain();
        }
        try {
            return List.copyOf(policy.fallbackChain(request, routing));
        } catch (RuntimeException broken) {
            logger.warn("the fallback policy threw {}; using routing.fallbackChain for this run",
                    broken.getClass().getName());
            return routing.fallbackChain();
        }
    }

    /** The run's deadlines: the request's or the configured run deadline, and the attempt limits inside it. */
    static RunDeadlines deadlines(RunRequest request, RoutingSettings routing) {
        Duration run = request.deadline() != null ? request.deadline() : routing.runDeadline();
        Duration attempt = min(routing.attemptTimeout(), run);
        return new RunDeadlines(min(routing.firstTokenTimeout(), attempt), min(routing.stallTimeout(), attempt),
                attempt, run);
    }

    @Override
    public RunResult run(RunRequest request) throws RoutingException {
        return run(request, RunObserver.NONE);
    }

    /**
     * Runs a request along its plan. Durations and deadlines are measured on the monotonic clock
     * from the run's start, so a wall clock stepped during the run changes neither; the times
     * recorded are the run's wall-clock start plus what the monotonic clock measured since.
     */
    @Override
    public RunResult run(RunRequest request, RunObserver observer) throws RoutingException {
        long t0 = System.nanoTime();
        Instant started = clock.instant();
        String runId = runIds.next(started);
        Settings current = settings;
        Plugins.Bound bound = plugins.current();
        Decided decided;
        try {
            decided = decide(request, current, bound, started);
        } catch (NoModelAvailableException e) {
            List<String> audit = request.routeType() == null
                    ? List.of(PolicyAudit.MODEL_UNAVAILABLE, PolicyAudit.ROUTE_TYPE_DEFAULTED)
                    : List.of(PolicyAudit.MODEL_UNAVAILABLE);
            RouteType routeType = request.routeType() != null ? request.routeType() : RouteType.API_KEY;
            publishRun(runId, request, null, routeType, List.of(), List.of(), RunOutcome.FAILED, ErrorClass.UNKNOWN,
                    started, started, audit, current);
            throw new RoutingException(runId, request.taskId(), null, RunOutcome.FAILED, List.of(), List.of(),
                    ReasonCode.CAPACITY, ErrorClass.UNKNOWN, e);
        }
        warnIfUnavailable(request, decided.decision(), started);
        RoutePlan route = decided.route();
        List<ModelRef> candidates = decided.plan().candidates();
        int budget = decided.plan().budget();
        RunDeadlines deadlines = route.deadlines();
        List<SkippedModel> skipped = new ArrayList<>(route.skipped());
        skipped.forEach(skip -> tell(observer, o -> o.skipped(skip)));
        Set<String> audit = new LinkedHashSet<>(route.policyAudit());
        if (candidates.isEmpty()) {
            publishRun(runId, request, route, route.routeType(), List.of(), List.of(), RunOutcome.FAILED, COOLING_DOWN,
                    started, started, List.copyOf(audit), current);
            throw new RoutingException(runId, request.taskId(), route.resolution(), RunOutcome.FAILED, List.of(),
                    skipped, ReasonCode.CAPACITY, COOLING_DOWN, null);
        }
        FallbackPolicy policy = bound.fallbackPolicy();
        long runNanos = saturatedNanos(deadlines.run());
        Map<String, ErrorClass> failedProviders = new HashMap<>();
        List<Attempt> attempts = new ArrayList<>();
        List<ModelTransition> transitions = new ArrayList<>();
        Classification last = null;
        RunOutcome outcome = RunOutcome.FAILED;
        AttemptWatchdog.Watch watch = watchdog.watch();
        int index = 0;
        ModelRef model = candidates.get(0);
        while (true) {
            long startNanos = System.nanoTime() - t0;
            long left = runNanos - startNanos;
            if (left <= 0) {
                audit.add(PolicyAudit.DEADLINE_EXCEEDED);
                outcome = RunOutcome.TIMED_OUT;
                break;
            }
            long attemptNanos = Math.min(left, saturatedNanos(deadlines.attempt()));
            Instant attemptStart = started.plusNanos(startNanos);
            Instant attemptDeadline = attemptStart.plusNanos(attemptNanos);
            int number = attempts.size() + 1;
            Invocation invocation = new Invocation(runId, request.taskId(), number, model, request.prompt(),
                    attemptDeadline, Duration.ofNanos(Math.min(attemptNanos, saturatedNanos(deadlines.firstToken()))),
                    Duration.ofNanos(Math.min(attemptNanos, saturatedNanos(deadlines.stall()))));
            ModelRef tried = model;
            tell(observer, o -> o.attemptStarted(number, tried, attemptDeadline));
            InvocationResult result;
            try {
                result = invoke(watch, bound.invokers(), invocation, t0 + startNanos + attemptNanos);
            } catch (Exception failure) {
                last = classify(bound.classifiers(), failure);
                long endNanos = System.nanoTime() - t0;
                Instant end = started.plusNanos(endNanos);
                Attempt attempt = new Attempt(number, model, last.reason(), last.errorClass(), attemptStart,
                        Duration.ofNanos(endNanos - startNanos), 0, 0);
                attempts.add(attempt);
                coolDownIfAsked(model, failure, last, end, current.routing());
                if (PROVIDER_LEVEL.contains(last.errorClass())) {
                    failedProviders.putIfAbsent(model.providerId(), last.errorClass());
                }
                ModelRef next = null;
                if (last.reason() == ReasonCode.TIMEOUT && endNanos >= runNanos) {
                    audit.add(PolicyAudit.DEADLINE_EXCEEDED);
                    outcome = RunOutcome.TIMED_OUT;
                } else if (attempts.size() >= budget) {
                    if (index + 1 < candidates.size()) {
                        audit.add(PolicyAudit.ATTEMPT_BUDGET_APPLIED);
                    }
                } else if (policy != null && !shouldContinue(policy, last, number)) {
                    audit.add(PolicyAudit.POLICY_STOPPED);
                } else {
                    while (next == null && ++index < candidates.size()) {
                        ModelRef candidate = candidates.get(index);
                        ErrorClass providerFailure = failedProviders.get(candidate.providerId());
                        if (providerFailure == null) {
                            next = candidate;
                        } else {
                            SkippedModel skip = new SkippedModel(candidate, SkipReason.PROVIDER_FAILED, providerFailure,
                                    null);
                            skipped.add(skip);
                            audit.add(PolicyAudit.PROVIDER_SKIPPED);
                            tell(observer, o -> o.skipped(skip));
                        }
                    }
                }
                ModelRef upNext = next;
                tell(observer, o -> o.attemptFailed(attempt, upNext));
                if (next == null) {
                    break;
                }
                ModelTransition step = new ModelTransition(number, model, next, last.reason(), last.errorClass(), end);
                transitions.add(step);
                hub.publish(FallbackEvent.of(runId, request.taskId(), route.routeType(), step));
                model = next;
                continue;
            }
            // only the invocation can fail the attempt: what follows is the router's own bookkeeping
            long endNanos = System.nanoTime() - t0;
            Instant end = started.plusNanos(endNanos);
            attempts.add(new Attempt(number, model, ReasonCode.NONE, null, attemptStart,
                    Duration.ofNanos(endNanos - startNanos), result.tokensIn(), result.tokensOut()));
            publishRun(runId, request, route, route.routeType(), attempts, transitions, RunOutcome.SUCCESS, null,
                    started, end, List.copyOf(audit), current);
            return new RunResult(runId, request.taskId(), route.resolution(), model, attempts, RunOutcome.SUCCESS,
                    result.text(), tokensIn(attempts), tokensOut(attempts), skipped);
        }
        ReasonCode finalReason = last == null ? ReasonCode.TIMEOUT : last.reason();
        ErrorClass finalClass = last == null ? ErrorClass.TIMEOUT_ERROR : last.errorClass();
        publishRun(runId, request, route, route.routeType(), attempts, transitions, outcome, finalClass, started,
                started.plusNanos(System.nanoTime() - t0), List.copyOf(audit), current);
        throw new RoutingException(runId, request.taskId(), route.resolution(), outcome, attempts, skipped,
                finalReason, finalClass, null);
    }

    /** A failure that carries a {@code Retry-After} makes later plans skip the model until then. */
    private void coolDownIfAsked(ModelRef model, Throwable failure, Classification classification, Instant now,
            RoutingSettings routing) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvocationFailure invocationFailure) {
                invocationFailure.retryAfter().ifPresent(wait -> cooldowns.record(model, wait, routing.cooldownMax(),
                        classification.errorClass(), now));
                return;
            }
        }
    }

    private boolean shouldContinue(FallbackPolicy policy, Classification failure, int attempt) {
        try {
            return policy.shouldContinue(failure, attempt);
        } catch (RuntimeException broken) {
            logger.warn("the fallback policy threw {}; going on to the next model", broken.getClass().getName());
            return true;
        }
    }

    /** Calls the observer; what it throws never reaches the run. */
    private void tell(RunObserver observer, Consumer<RunObserver> call) {
        try {
            call.accept(observer);
        } catch (RuntimeException ignored) {
            // a caller's progress display must not change the run
        }
    }

    /** The {@code model_unavailable} warning, logged by every run whose resolution replaced an unavailable model. */
    private void warnIfUnavailable(RunRequest request, Decision decision, Instant now) {
        if (decision.audit().contains(PolicyAudit.MODEL_UNAVAILABLE)) {
            // one structured line; passed as an argument so the logger never reads its braces as placeholders
            logger.warn("{}", "{\"event\":\"model_unavailable\",\"requested_model\":\"" + decision.requested() + "\",\""
                    + (request.flow() != null ? "flow\":\"" + request.flow().wireName()
                            : "task_type\":\"" + request.taskType().wireName())
                    + "\",\"job_id\":" + request.jobId() + ",\"catalog_age_ms\":" + catalogAge(now)
                    + ",\"used\":\"" + decision.model() + "\"}");
        }
    }

    /** The duration in nanoseconds, or {@code Long.MAX_VALUE} (292 years) for a longer one. */
    static long saturatedNanos(Duration duration) {
        return duration.getSeconds() < Long.MAX_VALUE / 1_000_000_000L - 1 ? duration.toNanos() : Long.MAX_VALUE;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static long tokensIn(List<Attempt> attempts) {
        return attempts.stream().mapToLong(Attempt::tokensIn).sum();
    }

    private static long tokensOut(List<Attempt> attempts) {
        return attempts.stream().mapToLong(Attempt::tokensOut).sum();
    }

    /** Runs one attempt in the caller's thread; an invoker that overruns its deadline is interrupted. */
    private static InvocationResult invoke(AttemptWatchdog.Watch watch, List<Plugins.Entry<ModelInvoker>> invokers,
            Invocation invocation, long deadlineNanos) throws Exception {
        ModelInvoker invoker = invokerFor(invokers, invocation.model());
        AttemptWatchdog.Deadline attempt = watch.start(deadlineNanos);
        try {
            return invoker.invoke(invocation);
        } finally {
            if (watch.end(attempt)) {
                throw new TimeoutException("the invoker overran the attempt deadline");
            }
        }
    }

    private static ModelInvoker invokerFor(List<Plugins.Entry<ModelInvoker>> invokers, ModelRef model)
            throws NoInvokerException {
        for (Plugins.Entry<ModelInvoker> candidate : invokers) {
            if (candidate.plugin().supports(model)) {
                return candidate.plugin();
            }
        }
        throw new NoInvokerException(model);
    }

    /** The highest-ranked classifier with an answer; none (or one that throws): capacity/Unknown. */
    private static Classification classify(List<Plugins.Entry<FailureClassifier>> classifiers, Throwable failure) {
        if (failure instanceof NoInvokerException) {
            return new Classification(ReasonCode.CAPACITY, ErrorClass.NO_INVOKER);
        }
        for (Plugins.Entry<FailureClassifier> classifier : classifiers) {
            try {
                Optional<Classification> answer = classifier.plugin().classify(failure);
                if (answer.isPresent()) {
                    return answer.get();
                }
            } catch (RuntimeException broken) {
                // a broken classifier must not fail the run: ask the next one
            }
        }
        return Classification.UNKNOWN;
    }

    private void publishRun(String runId, RunRequest request, RoutePlan route, RouteType routeType,
            List<Attempt> attempts, List<ModelTransition> transitions, RunOutcome outcome, ErrorClass errorClass,
            Instant started, Instant finished, List<String> audit, Settings current) {
        ModelRef finalModel = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).model();
        ModelRef selected = route == null || route.attempts().isEmpty() ? null : route.attempts().get(0);
        hub.publish(new RunTelemetry(runId, request.taskId(), request.taskType(), request.flow(), request.jobId(),
                routeType, route == null ? null : route.resolution().source(),
                route == null ? null : route.requestedModel() != null ? route.requestedModel() : route.resolution().ref(),
                selected, finalModel, transitions, attempts.size(), outcome,
                outcome == RunOutcome.SUCCESS ? null : errorClass,
                tokensIn(attempts), tokensOut(attempts), started, finished, audit, catalogAge(finished),
                current.configVersion()));
    }

    private long catalogAge(Instant now) {
        return catalog.freshness().age(now).toMillis();
    }

    /** No invoker supports the model: the attempt fails as capacity/NoInvoker and the plan goes on. */
    static final class NoInvokerException extends Exception {
        private static final long serialVersionUID = 1L;

        NoInvokerException(ModelRef model) {
            super("no model invoker supports " + model, null, false, false);
        }
    }
}
