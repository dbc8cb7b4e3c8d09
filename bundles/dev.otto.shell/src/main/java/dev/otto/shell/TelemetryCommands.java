package dev.otto.shell;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.routing.RoutingPlugins;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.spi.SinkStats;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.api.telemetry.store.SinkHealth;
import dev.otto.api.telemetry.store.TelemetryStore;

/**
 * {@code otto:telemetry}, {@code otto:report} and {@code otto:sinks}: what was recorded, the day's
 * aggregate, and how each telemetry sink is doing. Reads go to the highest-ranked
 * {@link TelemetryStore} (the SQLite sink, else the JSONL sink); everything shown is the records'
 * allow-listed wire fields.
 */
@Component(service = TelemetryCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=telemetry",
        "osgi.command.function=report",
        "osgi.command.function=sinks" })
@Descriptor("Otto telemetry: recent runs and fallbacks, daily reports, sink health")
public final class TelemetryCommands {

    private final Map<TelemetryStore, Map<String, Object>> stores = new ConcurrentHashMap<>();
    private final Map<TelemetrySink, Map<String, Object>> sinks = new ConcurrentHashMap<>();
    private final Clock clock;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RoutingPlugins plugins;

    public TelemetryCommands() {
        this(Clock.systemUTC());
    }

    TelemetryCommands(Clock clock) {
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeStore")
    void addStore(TelemetryStore store, Map<String, Object> properties) {
        stores.put(store, properties);
    }

    void removeStore(TelemetryStore store) {
        stores.remove(store);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeSink")
    void addSink(TelemetrySink sink, Map<String, Object> properties) {
        sinks.put(sink, properties);
    }

    void removeSink(TelemetrySink sink) {
        sinks.remove(sink);
    }

    void setPlugins(RoutingPlugins plugins) {
        this.plugins = plugins;
    }

    @Descriptor("Show the most recent runs (model chosen, final model, transitions, outcome), or the most recent "
            + "model_fallback events")
    public String telemetry(
            @Descriptor("how many, newest first") @Parameter(names = "--last", absentValue = "20") int last,
            @Descriptor("show model_fallback events instead of runs")
            @Parameter(names = "--fallbacks", presentValue = "true", absentValue = "false") boolean fallbacks,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        if (last < 1 || last > 10_000) {
            throw new IllegalArgumentException("--last is " + last + ": give 1..10000, e.g. otto:telemetry --last 20");
        }
        TelemetryStore store = store();
        awaitRouted(store.name());
        if (fallbacks) {
            List<FallbackEvent> events = store.recentFallbacks(last);
            if (json) {
                return Json.write(events.stream().map(FallbackEvent::toWire).collect(Collectors.toList()));
            }
            if (events.isEmpty()) {
                return "No model_fallback events recorded (source: " + store.name() + ").";
            }
            TextTable table = new TextTable("TS", "TASK", "ATTEMPT", "FROM", "TO", "REASON", "ERROR CLASS", "ROUTE");
            for (FallbackEvent e : events) {
                table.row(e.toWire().get("ts"), e.taskId(), e.attempt(), e.from(), e.to(), e.reason().wireName(),
                        e.errorClass().name(), e.routeType().wireName());
            }
            return "source: " + store.name() + System.lineSeparator() + table;
        }
        List<RunTelemetry> runs = store.recentRuns(last);
        if (json) {
            return Json.write(runs.stream().map(RunTelemetry::toWire).collect(Collectors.toList()));
        }
        if (runs.isEmpty()) {
            return "No runs recorded (source: " + store.name() + ").";
        }
        TextTable table = new TextTable("FINISHED", "RUN", "TASK", "FLOW/TYPE", "ROUTE", "SOURCE", "SELECTED", "FINAL",
                "ATTEMPTS", "OUTCOME", "ERROR CLASS", "DURATION", "TRANSITIONS");
        for (RunTelemetry r : runs) {
            table.row(r.toWire().get("finished_at"), r.runId(), r.taskId(),
                    r.flow() != null ? r.flow().wireName() : r.taskType().wireName(), r.routeType().wireName(),
                    r.resolutionSource() == null ? null : r.resolutionSource().wireName(), r.selectedModel(),
                    r.finalModel(), r.attemptCount(), r.outcome().wireName(),
                    r.errorClass() == null ? null : r.errorClass().name(), Durations.format(r.duration()),
                    r.transitions().isEmpty() ? "-" : r.transitions().stream().map(TelemetryCommands::step)
                            .collect(Collectors.joining("; ")));
        }
        return "source: " + store.name() + System.lineSeparator() + table;
    }

    private static String step(ModelTransition t) {
        return t.from() + " -> " + t.to() + " (" + t.reason().wireName() + "/" + t.errorClass().name() + ")";
    }

    @Descriptor("Show the daily report of a UTC day: runs, success and fallback rates, fallbacks by reason, runs that "
            + "skipped models (not in the catalog, cooling down, provider failed), runs by route type, flow and model, "
            + "tokens by model and route type, p50/p95 duration, events dropped")
    public String report(
            @Descriptor("the UTC day, YYYY-MM-DD, or today or yesterday")
            @Parameter(names = "--date", absentValue = "today") String date,
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        LocalDate day = day(date);
        TelemetryStore store = store();
        DailyReport r = store.report(day);
        if (json) {
            return Json.write(r.toWire());
        }
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append("report of ").append(day).append(" (UTC), from ").append(r.source()).append(nl);
        TextTable summary = new TextTable("MEASURE", "VALUE");
        summary.row("runs", r.runs());
        summary.row("success rate", percent(r.successRate()) + " (" + r.succeeded() + ")");
        summary.row("fallback rate", percent(r.fallbackRate()) + " (" + r.runsWithFallback() + " runs, "
                + r.fallbacks() + " steps)");
        summary.row("duration p50 / p95", Durations.format(Duration.ofMillis(r.p50DurationMs())) + " / "
                + Durations.format(Duration.ofMillis(r.p95DurationMs())));
        summary.row("events dropped", r.eventsDropped());
        out.append(summary);
        if (!r.fallbacksByReason().isEmpty()) {
            TextTable reasons = new TextTable("REASON", "FALLBACKS");
            r.fallbacksByReason().forEach(reasons::row);
            out.append(nl).append(reasons);
        }
        if (!r.skipsByReason().isEmpty()) {
            TextTable skips = new TextTable("SKIPPED WITHOUT AN ATTEMPT", "RUNS");
            r.skipsByReason().forEach(skips::row);
            out.append(nl).append(skips);
        }
        appendSlices(out, "ROUTE TYPE", r.byRouteType());
        appendSlices(out, "FLOW/TYPE", r.byFlow());
        appendSlices(out, "MODEL", r.byModel());
        if (!r.tokensByModelAndRouteType().isEmpty()) {
            TextTable tokens = new TextTable("MODEL", "ROUTE TYPE", "TOKENS IN", "TOKENS OUT");
            r.tokensByModelAndRouteType().forEach((model, byRoute) -> byRoute.forEach(
                    (route, t) -> tokens.row(model, route, t.in(), t.out())));
            out.append(nl).append(tokens);
        }
        return out.toString();
    }

    private static void appendSlices(StringBuilder out, String key, Map<String, DailyReport.Slice> slices) {
        if (slices.isEmpty()) {
            return;
        }
        TextTable table = new TextTable(key, "RUNS", "SUCCESS", "FALLBACK");
        slices.forEach((k, s) -> table.row(k, s.runs(), percent(DailyReportRates.success(s)),
                percent(DailyReportRates.fallback(s))));
        out.append(System.lineSeparator()).append(table);
    }

    @Descriptor("Show each telemetry sink: state, the router's queued/delivered/failed/dropped counts, what the sink "
            + "wrote and dropped itself, torn lines cut, and its last error")
    public String sinks(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        Map<String, RoutingPlugins.PluginInfo> routed = new LinkedHashMap<>();
        RoutingPlugins current = plugins;
        if (current != null) {
            for (RoutingPlugins.PluginInfo p : current.plugins()) {
                if (p.kind().equals("sink")) {
                    routed.put(p.name(), p);
                }
            }
        }
        Map<String, TelemetrySink> byName = new LinkedHashMap<>();
        sinks.forEach((sink, props) -> byName.put(name(props, sink.name()), sink));
        Map<String, TelemetryStore> storeByName = new LinkedHashMap<>();
        stores.forEach((store, props) -> storeByName.put(name(props, store.name()), store));
        List<String> names = new ArrayList<>(byName.keySet());
        routed.keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        names.sort(Comparator.naturalOrder());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : names) {
            RoutingPlugins.PluginInfo p = routed.get(name);
            TelemetrySink sink = byName.get(name);
            Optional<SinkStats> own = Optional.empty();
            SinkHealth health = null;
            try {
                own = sink == null ? Optional.empty() : sink.stats();
                TelemetryStore store = storeByName.get(name);
                health = store == null ? null : store.health();
            } catch (RuntimeException e) {
                // a sink stopping meanwhile: show what the router knows
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            // an expected sink the router holds or counts records for, that is not bound: it misses them
            row.put("state", health != null ? health.state() : p == null ? "not routed"
                    : !p.inUse() && sink == null ? "not bound" : "active");
            row.put("routed", p != null);
            row.put("queued", p == null ? null : p.queued());
            row.put("delivered", p == null ? null : p.delivered());
            row.put("failed", p == null ? null : p.failed());
            row.put("dropped_by_router", p == null ? null : p.dropped());
            row.put("written", own.map(SinkStats::written).orElse(null));
            row.put("dropped_by_sink", health != null ? Long.valueOf(health.dropped())
                    : own.map(SinkStats::failed).orElse(null));
            row.put("torn_lines_cut", health == null ? null : health.torn());
            row.put("last_error", health == null ? null : health.lastError());
            row.put("last_error_at", health == null || health.lastErrorAt() == null ? null
                    : health.lastErrorAt().toString());
            row.put("location", health == null ? null : health.location());
            rows.add(row);
        }
        if (json) {
            return Json.write(rows);
        }
        if (rows.isEmpty()) {
            return "No telemetry sink is active: runs are routed, nothing is recorded. Start "
                    + "dev.otto.telemetry.jsonl or dev.otto.telemetry.sqlite (lb telemetry).";
        }
        TextTable table = new TextTable("SINK", "STATE", "QUEUED", "DELIVERED", "FAILED", "DROPPED", "WRITTEN",
                "SINK DROPPED", "TORN", "LAST ERROR");
        for (Map<String, Object> row : rows) {
            String error = row.get("last_error") == null ? null : row.get("last_error")
                    + (row.get("last_error_at") == null ? "" : " (" + Durations.ago(Duration.between(
                            java.time.Instant.parse((String) row.get("last_error_at")), clock.instant())) + ")");
            table.row(row.get("name"), row.get("state"), row.get("queued"), row.get("delivered"), row.get("failed"),
                    row.get("dropped_by_router"), row.get("written"), row.get("dropped_by_sink"),
                    row.get("torn_lines_cut"), error);
        }
        return table.toString();
    }

    /** The longest {@code otto:telemetry} waits for the router to hand its sink what it has queued. */
    static final Duration ROUTED_WAIT = Duration.ofSeconds(2);

    /**
     * Waits (bounded) until the router has handed the sink what it had queued for it, so that the run
     * that just ended is in what is shown; the store itself waits for what its sink accepted.
     */
    private void awaitRouted(String sinkName) {
        RoutingPlugins current = plugins;
        if (current == null) {
            return;
        }
        long deadline = System.nanoTime() + ROUTED_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            boolean queued = false;
            for (RoutingPlugins.PluginInfo p : current.plugins()) {
                queued |= p.kind().equals("sink") && p.name().equals(sinkName) && p.inUse() && p.queued() > 0;
            }
            if (!queued) {
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String name(Map<String, Object> properties, String fallback) {
        Object name = properties.get(PluginProperties.NAME);
        return name != null ? name.toString() : fallback;
    }

    private TelemetryStore store() {
        TelemetryStore best = null;
        int bestRanking = Integer.MIN_VALUE;
        for (Map.Entry<TelemetryStore, Map<String, Object>> e : stores.entrySet()) {
            Object ranking = e.getValue().get(Constants.SERVICE_RANKING);
            int r = ranking instanceof Integer i ? i : 0;
            if (best == null || r > bestRanking) {
                best = e.getKey();
                bestRanking = r;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no telemetry store is running: start dev.otto.telemetry.sqlite or "
                    + "dev.otto.telemetry.jsonl ('lb telemetry' shows them, 'otto:status' says why one is down)");
        }
        return best;
    }

    private LocalDate day(String date) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        switch (date.toLowerCase(Locale.ROOT)) {
            case "today":
                return today;
            case "yesterday":
                return today.minusDays(1);
            default:
                try {
                    return LocalDate.parse(date);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("--date " + date + " is not a day: give YYYY-MM-DD, today or "
                            + "yesterday, e.g. otto:report --date " + today.minusDays(1));
                }
        }
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    /** Rates of a slice, as {@link DailyReport.Slice#toWire()} computes them. */
    private static final class DailyReportRates {
        static double success(DailyReport.Slice s) {
            return ((Number) s.toWire().get("success_rate")).doubleValue();
        }

        static double fallback(DailyReport.Slice s) {
            return ((Number) s.toWire().get("fallback_rate")).doubleValue();
        }
    }
}
