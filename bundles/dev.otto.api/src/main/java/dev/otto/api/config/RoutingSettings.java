package dev.otto.api.config;

import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How runs are routed ({@code modelManagement.routing}).
 *
 * @param fallbackChain models to try, in order, after the resolved model; copied. The attempt plan
 *     drops repeats, so a model listed twice is tried once
 * @param taskPolicies the policy model of each task type; copied into an unmodifiable map in
 *     task-type order; {@code null} values are dropped, as {@code null} in the file means absent
 * @param attemptBudget the most attempts per run, or 0 for the default {@code 1 + chain length};
 *     see {@link #effectiveAttemptBudget()}
 * @param runDeadline the longest a run may take over all its attempts, unless the request sets
 *     its own; positive
 * @param routeTypes the route type of a provider's runs when the caller does not say, by provider
 *     id; copied into an unmodifiable map sorted by provider id
 * @param firstTokenTimeout the longest an attempt may wait for the provider's first output (its
 *     first streamed token, or its whole answer when it does not stream); positive
 * @param stallTimeout the longest an attempt's output may stop once it has begun; positive
 * @param attemptTimeout the longest one whole attempt may take; positive. Every attempt also ends
 *     by the run's deadline
 * @param cooldownMax the longest a model that answered with a {@code Retry-After} is skipped by
 *     later runs; positive. Nothing cools down without a {@code Retry-After}
 */
public record RoutingSettings(
        List<ModelRef> fallbackChain,
        Map<TaskType, ModelRef> taskPolicies,
        int attemptBudget,
        Duration runDeadline,
        Map<String, RouteType> routeTypes,
        Duration firstTokenTimeout,
        Duration stallTimeout,
        Duration attemptTimeout,
        Duration cooldownMax) {

    /** The default {@link #firstTokenTimeout}: 30 seconds. */
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@link #stallTimeout}: 30 seconds. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** The default {@link #attemptTimeout}: 5 minutes. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMinutes(5);
    /** The default {@link #runDeadline}: 10 minutes. */
    public static final Duration DEFAULT_RUN_DEADLINE = Duration.ofMinutes(10);
    /** The default {@link #cooldownMax}: 10 minutes. */
    public static final Duration DEFAULT_COOLDOWN_MAX = Duration.ofMinutes(10);

    /** Defaults: no fallback chain, no task policies, default budget, the default deadlines. */
    public static final RoutingSettings DEFAULTS = new RoutingSettings(List.of(), Map.of(), 0, DEFAULT_RUN_DEADLINE,
            Map.of(), DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_STALL_TIMEOUT, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_COOLDOWN_MAX);

    /**
     * Settings with the default first-token, stall and attempt timeouts and cooldown cap.
     *
     * @param fallbackChain the fallback chain
     * @param taskPolicies the task policies
     * @param attemptBudget the attempt budget, 0 for the default
     * @param runDeadline the run deadline
     * @param routeTypes the route types by provider
     */
    public RoutingSettings(List<ModelRef> fallbackChain, Map<TaskType, ModelRef> taskPolicies, int attemptBudget,
            Duration runDeadline, Map<String, RouteType> routeTypes) {
        this(fallbackChain, taskPolicies, attemptBudget, runDeadline, routeTypes, DEFAULT_FIRST_TOKEN_TIMEOUT,
                DEFAULT_STALL_TIMEOUT, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_COOLDOWN_MAX);
    }

    /** Validates and copies the fields. */
    public RoutingSettings {
        Objects.requireNonNull(fallbackChain, "fallbackChain must not be null");
        Objects.requireNonNull(taskPolicies, "taskPolicies must not be null");
        Objects.requireNonNull(routeTypes, "routeTypes must not be null");
        for (int i = 0; i < fallbackChain.size(); i++) {
            if (fallbackChain.get(i) == null) {
                throw new NullPointerException("fallbackChain[" + i + "] must not be null");
            }
        }
        fallbackChain = List.copyOf(fallbackChain);
        EnumMap<TaskType, ModelRef> policies = new EnumMap<>(TaskType.class);
        for (Map.Entry<TaskType, ModelRef> entry : taskPolicies.entrySet()) {
            TaskType type = Objects.requireNonNull(entry.getKey(), "taskPolicies key must not be null");
            if (entry.getValue() != null) {
                policies.put(type, entry.getValue());
            }
        }
        taskPolicies = Collections.unmodifiableMap(policies);
        if (attemptBudget < 0) {
            throw new IllegalArgumentException(
                    "attemptBudget is " + attemptBudget + ": expected >= 1, or 0 for the default (1 + chain length)");
        }
        CatalogSettings.requirePositive(runDeadline, "runDeadline");
        TreeMap<String, RouteType> types = new TreeMap<>();
        for (Map.Entry<String, RouteType> entry : routeTypes.entrySet()) {
            String provider = ModelRef.requireProviderId(entry.getKey(), "routeTypes key");
            types.put(provider, Objects.requireNonNull(
                    entry.getValue(), "routeTypes." + provider + " must not be null"));
        }
        routeTypes = Collections.unmodifiableMap(types);
        CatalogSettings.requirePositive(firstTokenTimeout, "firstTokenTimeout");
        CatalogSettings.requirePositive(stallTimeout, "stallTimeout");
        CatalogSettings.requirePositive(attemptTimeout, "attemptTimeout");
        CatalogSettings.requirePositive(cooldownMax, "cooldownMax");
    }

    /**
     * Returns a copy with other deadlines.
     *
     * @param firstToken the first-token timeout
     * @param stall the stall timeout
     * @param attempt the attempt timeout
     * @param run the run deadline
     * @return the copy
     */
    public RoutingSettings withDeadlines(Duration firstToken, Duration stall, Duration attempt, Duration run) {
        return new RoutingSettings(fallbackChain, taskPolicies, attemptBudget, run, routeTypes, firstToken, stall,
                attempt, cooldownMax);
    }

    /**
     * Returns a copy with another fallback chain.
     *
     * @param chain the chain
     * @return the copy
     */
    public RoutingSettings withFallbackChain(List<ModelRef> chain) {
        return new RoutingSettings(chain, taskPolicies, attemptBudget, runDeadline, routeTypes, firstTokenTimeout,
                stallTimeout, attemptTimeout, cooldownMax);
    }

    /**
     * Returns the attempt budget in force.
     *
     * @return {@code attemptBudget} if set, else {@code 1 + fallbackChain.size()}
     */
    public int effectiveAttemptBudget() {
        return attemptBudget > 0 ? attemptBudget : 1 + fallbackChain.size();
    }

    /**
     * Returns the configured route type of a provider.
     *
     * @param providerId the provider id
     * @return its route type, or empty if not configured
     */
    public Optional<RouteType> routeTypeFor(String providerId) {
        Objects.requireNonNull(providerId, "providerId must not be null");
        return Optional.ofNullable(routeTypes.get(providerId));
    }

    /**
     * Returns the policy model of a task type.
     *
     * @param taskType the task type
     * @return its policy model, or empty to fall through
     */
    public Optional<ModelRef> taskPolicyFor(TaskType taskType) {
        Objects.requireNonNull(taskType, "taskType must not be null");
        return Optional.ofNullable(taskPolicies.get(taskType));
    }
}
