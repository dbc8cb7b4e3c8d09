package dev.otto.api.telemetry.store;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.otto.api.routing.RunOutcome;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.PolicyAudit;
import dev.otto.api.telemetry.RunTelemetry;

/**
 * The telemetry of one UTC day, aggregated: what {@code otto:report} shows and what a sink writes
 * to {@code daily-YYYY-MM-DD.json} when the day closes. Every store computes it with
 * {@link Builder}, so that the same runs give the same report whichever sink stored them.
 *
 * @param day the UTC day (of each run's {@code finished_at})
 * @param source the store it was computed from, e.g. {@code sqlite}
 * @param runs runs that finished that day
 * @param succeeded runs with outcome {@code success}
 * @param runsWithFallback runs that stepped to another model at least once
 * @param fallbacksByReason model-to-model steps by reason code wire name
 * @param byRouteType runs by route type wire name ({@code subscription} and {@code api_key} apart)
 * @param byFlow runs by flow or task type wire name
 * @param byModel runs by final model ({@code none} when no attempt was made)
 * @param tokensByModelAndRouteType tokens by final model, then route type
 * @param p50DurationMs median run duration, 0 without runs
 * @param p95DurationMs 95th percentile run duration (nearest rank), 0 without runs
 * @param eventsDropped records the store knows were lost that day (its own failed writes)
 * @param skipsByReason runs that skipped a model without an attempt, by the audit entry that says
 *     why ({@code chain_model_unavailable}, {@code model_cooling_down}, {@code provider_skipped},
 *     {@code all_cooling_down})
 */
public record DailyReport(
        LocalDate day,
        String source,
        long runs,
        long succeeded,
        long runsWithFallback,
        Map<String, Long> fallbacksByReason,
        Map<String, Slice> byRouteType,
        Map<String, Slice> byFlow,
        Map<String, Slice> byModel,
        Map<String, Map<String, Tokens>> tokensByModelAndRouteType,
        long p50DurationMs,
        long p95DurationMs,
        long eventsDropped,
        Map<String, Long> skipsByReason) {

    /** The audit entries that mean "a model was skipped without an attempt". */
    public static final java.util.Set<String> SKIP_AUDITS = java.util.Set.of(PolicyAudit.CHAIN_MODEL_UNAVAILABLE,
            PolicyAudit.MODEL_COOLING_DOWN, PolicyAudit.PROVIDER_SKIPPED, PolicyAudit.ALL_COOLING_DOWN);

    /**
     * Runs of one group.
     *
     * @param runs runs
     * @param succeeded of which succeeded
     * @param withFallback of which stepped to another model at least once
     */
    public record Slice(long runs, long succeeded, long withFallback) {

        /**
         * Returns the wire form.
         *
         * @return runs, succeeded, with_fallback, success_rate, fallback_rate
         */
        public Map<String, Object> toWire() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("runs", runs);
            map.put("succeeded", succeeded);
            map.put("with_fallback", withFallback);
            map.put("success_rate", rate(succeeded, runs));
            map.put("fallback_rate", rate(withFallback, runs));
            return Collections.unmodifiableMap(map);
        }
    }

    /**
     * Token counts.
     *
     * @param in input tokens
     * @param out output tokens
     */
    public record Tokens(long in, long out) {
    }

    /** Validates and copies the maps (sorted by key, so output is stable). */
    public DailyReport {
        Objects.requireNonNull(day, "day must not be null");
        Objects.requireNonNull(source, "source must not be null");
        fallbacksByReason = Collections.unmodifiableMap(new TreeMap<>(fallbacksByReason));
        byRouteType = Collections.unmodifiableMap(new TreeMap<>(byRouteType));
        byFlow = Collections.unmodifiableMap(new TreeMap<>(byFlow));
        byModel = Collections.unmodifiableMap(new TreeMap<>(byModel));
        TreeMap<String, Map<String, Tokens>> tokens = new TreeMap<>();
        tokensByModelAndRouteType.forEach((k, v) -> tokens.put(k, Collections.unmodifiableMap(new TreeMap<>(v))));
        tokensByModelAndRouteType = Collections.unmodifiableMap(tokens);
        skipsByReason = Collections.unmodifiableMap(new TreeMap<>(skipsByReason));
    }

    /**
     * Returns the name of a day's report file, written next to the telemetry files when the day
     * closes.
     *
     * @param day the day
     * @return {@code daily-YYYY-MM-DD.json}
     */
    public static String fileName(LocalDate day) {
        return "daily-" + day + ".json";
    }

    /**
     * Returns the share of runs that succeeded.
     *
     * @return 0..1, 0 without runs
     */
    public double successRate() {
        return rate(succeeded, runs);
    }

    /**
     * Returns the share of runs that stepped to another model at least once.
     *
     * @return 0..1, 0 without runs
     */
    public double fallbackRate() {
        return rate(runsWithFallback, runs);
    }

    /**
     * Returns the number of model-to-model steps.
     *
     * @return the sum of {@link #fallbacksByReason()}
     */
    public long fallbacks() {
        return fallbacksByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Returns a copy with another {@code eventsDropped}.
     *
     * @param dropped the count
     * @return the copy
     */
    public DailyReport withEventsDropped(long dropped) {
        return new DailyReport(day, source, runs, succeeded, runsWithFallback, fallbacksByReason, byRouteType, byFlow,
                byModel, tokensByModelAndRouteType, p50DurationMs, p95DurationMs, dropped, skipsByReason);
    }

    /**
     * Returns the wire form, snake_case keys in a fixed order; what the daily file holds.
     *
     * @return an insertion-ordered map of strings, numbers and maps
     */
    public Map<String, Object> toWire() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("report", "daily");
        map.put("day", day.toString());
        map.put("source", source);
        map.put("runs", runs);
        map.put("succeeded", succeeded);
        map.put("success_rate", successRate());
        map.put("runs_with_fallback", runsWithFallback);
        map.put("fallback_rate", fallbackRate());
        map.put("fallbacks", fallbacks());
        map.put("fallbacks_by_reason", fallbacksByReason);
        map.put("by_route_type", slices(byRouteType));
        map.put("by_flow", slices(byFlow));
        map.put("by_model", slices(byModel));
        Map<String, Object> tokens = new LinkedHashMap<>();
        tokensByModelAndRouteType.forEach((model, byRoute) -> {
            Map<String, Object> inner = new LinkedHashMap<>();
            byRoute.forEach((route, t) -> inner.put(route, Map.of("in", t.in(), "out", t.out())));
            tokens.put(model, inner);
        });
        map.put("tokens_by_model_and_route_type", tokens);
        map.put("p50_duration_ms", p50DurationMs);
        map.put("p95_duration_ms", p95DurationMs);
        map.put("events_dropped", eventsDropped);
        map.put("skips_by_reason", skipsByReason);
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, Object> slices(Map<String, Slice> slices) {
        Map<String, Object> map = new LinkedHashMap<>();
        slices.forEach((k, v) -> map.put(k, v.toWire()));
        return map;
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }

    /**
     * Builds a report from runs, one at a time; not thread-safe.
     */
    public static final class Builder {
        private final LocalDate day;
        private final String source;
        private long runs;
        private long succeeded;
        private long withFallback;
        private final Map<String, Long> reasons = new TreeMap<>();
        private final Map<String, long[]> byRoute = new TreeMap<>();
        private final Map<String, long[]> byFlow = new TreeMap<>();
        private final Map<String, long[]> byModel = new TreeMap<>();
        private final Map<String, Map<String, long[]>> tokens = new TreeMap<>();
        private long[] durations = new long[64];
        private int durationCount;
        private long dropped;
        private final Map<String, Long> skips = new TreeMap<>();

        /**
         * Starts a report.
         *
         * @param day the day
         * @param source the store's name
         */
        public Builder(LocalDate day, String source) {
            this.day = Objects.requireNonNull(day, "day must not be null");
            this.source = Objects.requireNonNull(source, "source must not be null");
        }

        /**
         * Adds a run.
         *
         * @param run the run
         * @return this
         */
        public Builder add(RunTelemetry run) {
            addRun(run.flow() != null ? run.flow().wireName() : run.taskType().wireName(),
                    run.routeType().wireName(), run.finalModel() == null ? null : run.finalModel().toString(),
                    run.outcome() == RunOutcome.SUCCESS, run.transitions().size(), run.tokensIn(), run.tokensOut(),
                    run.duration().toMillis());
            for (ModelTransition t : run.transitions()) {
                addFallback(t.reason().wireName());
            }
            return addAudit(run.policyAudit());
        }

        /**
         * Adds a run's policy audit: each entry that says a model was skipped counts the run once.
         *
         * @param audit the run's audit entries
         * @return this
         */
        public Builder addAudit(java.util.Collection<String> audit) {
            for (String entry : new java.util.TreeSet<>(audit)) {
                if (SKIP_AUDITS.contains(entry)) {
                    skips.merge(entry, 1L, Long::sum);
                }
            }
            return this;
        }

        /**
         * Adds a run from stored columns; its steps are added with {@link #addFallback}.
         *
         * @param flowOrTaskType flow or task type wire name
         * @param routeType route type wire name
         * @param finalModel final model, or null
         * @param success whether it succeeded
         * @param transitions how many steps it took
         * @param tokensIn input tokens
         * @param tokensOut output tokens
         * @param durationMs duration
         * @return this
         */
        public Builder addRun(String flowOrTaskType, String routeType, String finalModel, boolean success,
                int transitions, long tokensIn, long tokensOut, long durationMs) {
            runs++;
            boolean fellBack = transitions > 0;
            if (success) {
                succeeded++;
            }
            if (fellBack) {
                withFallback++;
            }
            String model = finalModel == null ? "none" : finalModel;
            count(byRoute, routeType, success, fellBack);
            count(byFlow, flowOrTaskType, success, fellBack);
            count(byModel, model, success, fellBack);
            long[] t = tokens.computeIfAbsent(model, k -> new TreeMap<>()).computeIfAbsent(routeType, k -> new long[2]);
            t[0] += tokensIn;
            t[1] += tokensOut;
            if (durationCount == durations.length) {
                durations = Arrays.copyOf(durations, durations.length * 2);
            }
            durations[durationCount++] = durationMs;
            return this;
        }

        /**
         * Adds one model-to-model step.
         *
         * @param reason its reason code wire name
         * @return this
         */
        public Builder addFallback(String reason) {
            reasons.merge(reason, 1L, Long::sum);
            return this;
        }

        /**
         * Adds lost records.
         *
         * @param count how many
         * @return this
         */
        public Builder addDropped(long count) {
            dropped += count;
            return this;
        }

        /**
         * Returns the report.
         *
         * @return the report
         */
        public DailyReport build() {
            long[] sorted = Arrays.copyOf(durations, durationCount);
            Arrays.sort(sorted);
            Map<String, Map<String, Tokens>> tokenMap = new TreeMap<>();
            tokens.forEach((model, routes) -> {
                Map<String, Tokens> inner = new TreeMap<>();
                routes.forEach((route, t) -> inner.put(route, new Tokens(t[0], t[1])));
                tokenMap.put(model, inner);
            });
            return new DailyReport(day, source, runs, succeeded, withFallback, reasons, slices(byRoute),
                    slices(byFlow), slices(byModel), tokenMap, percentile(sorted, 50), percentile(sorted, 95),
                    dropped, skips);
        }

        private static void count(Map<String, long[]> map, String key, boolean success, boolean fellBack) {
            long[] c = map.computeIfAbsent(key, k -> new long[3]);
            c[0]++;
            if (success) {
                c[1]++;
            }
            if (fellBack) {
                c[2]++;
            }
        }

        private static Map<String, Slice> slices(Map<String, long[]> map) {
            Map<String, Slice> out = new TreeMap<>();
            map.forEach((k, c) -> out.put(k, new Slice(c[0], c[1], c[2])));
            return out;
        }

        /** Nearest-rank percentile of sorted values. */
        static long percentile(long[] sorted, int p) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

}
