package dev.otto.shell;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.model.ModelRef;

/** {@code otto:catalog} and {@code otto:catalog-refresh}: what models Otto knows, how fresh that is, and a refresh now. */
@Component(service = CatalogCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=catalog",
        "osgi.command.function=catalogrefresh" })
@Descriptor("Otto model catalog (from the OpenCode server)")
public final class CatalogCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelCatalog catalog;

    private final Clock clock;
    private CommandAliases aliases;

    public CatalogCommands() {
        this(null, Clock.systemUTC());
    }

    CatalogCommands(ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this, Map.of("catalog-refresh", "catalogrefresh"));
    }

    @Deactivate
    void deactivate() {
        aliases.close();
    }

    @Descriptor("Show the catalog's freshness (fetched at, age, source, last attempt, last error, failures, stale) "
            + "and its providers with model counts, or the models of one provider")
    public String catalog(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("a provider id, e.g. openai: list its models") String... provider) {
        ModelCatalog current = service();
        CatalogSnapshot snapshot = current.snapshot();
        CatalogFreshness freshness = current.freshness();
        if (provider.length > 1) {
            throw new IllegalArgumentException("give at most one provider id, e.g. otto:catalog openai");
        }
        if (provider.length == 1) {
            CatalogProvider one = snapshot.findProvider(provider[0]).orElseThrow(() -> new IllegalArgumentException(
                    "no provider '" + provider[0] + "' in the catalog; otto:catalog lists the providers"));
            return json ? Json.write(providerJson(one)) : freshnessText(snapshot, freshness) + System.lineSeparator() + modelsText(one);
        }
        if (json) {
            Map<String, Object> out = freshnessJson(snapshot, freshness);
            List<Map<String, Object>> providers = new ArrayList<>();
            for (CatalogProvider p : snapshot.providers().values()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", p.id());
                row.put("name", p.name());
                row.put("models", p.models().size());
                row.put("default_model", p.defaultModelId());
                providers.add(row);
            }
            out.put("providers", providers);
            return Json.write(out);
        }
        TextTable table = new TextTable("PROVIDER", "NAME", "MODELS", "DEFAULT MODEL");
        snapshot.providers().values().forEach(p -> table.row(p.id(), p.name(), p.models().size(), p.defaultModelId()));
        return freshnessText(snapshot, freshness) + System.lineSeparator() + table;
    }

    @Descriptor("Fetch the catalog from the OpenCode server now; on failure the last good catalog stays in use")
    public String catalogrefresh() throws CatalogFetchException {
        ModelCatalog current = service();
        String before = current.snapshot().snapshotId();
        System.out.println("Refreshing the model catalog from " + current.freshness().source() + " ...");
        Instant start = clock.instant();
        CatalogSnapshot snapshot;
        try {
            snapshot = current.refresh();
        } catch (CatalogFetchException e) {
            throw new CatalogFetchException(e.source(), e.failureCause(),
                    "the last good catalog (" + before + ") stays in use; " + e.failureCause().advice());
        }
        return "Refreshed in " + Durations.format(Duration.between(start, clock.instant())) + ": "
                + snapshot.providers().size() + " providers, " + snapshot.modelCount() + " models, snapshot "
                + snapshot.snapshotId() + (snapshot.snapshotId().equals(before) ? " (unchanged)" : " (was " + before + ")");
    }

    private ModelCatalog service() {
        ModelCatalog current = catalog;
        if (current == null) {
            throw new IllegalStateException("the catalog bundle (dev.otto.catalog) is not running; "
                    + "'otto:status' says why");
        }
        return current;
    }

    private String freshnessText(CatalogSnapshot snapshot, CatalogFreshness freshness) {
        Instant now = clock.instant();
        TextTable table = new TextTable("CATALOG", "");
        table.row("source", snapshot.source() + snapshot.findOpencodeVersion().map(v -> " (OpenCode " + v + ")").orElse(""));
        table.row("snapshot", snapshot.snapshotId() + ", " + snapshot.providers().size() + " providers, "
                + snapshot.modelCount() + " models");
        table.row("fetched", freshness.fetchedAt() + " (" + Durations.ago(freshness.age(now)) + ")"
                + (freshness.isStale(now) ? ", STALE: older than the refresh interval " + freshness.staleAfter() : ""));
        table.row("last attempt", Durations.ago(Duration.between(freshness.lastAttempt(), now)));
        table.row("last error", freshness.findLastError().map(e -> e + " (" + freshness.consecutiveFailures()
                + " failure" + (freshness.consecutiveFailures() == 1 ? "" : "s") + " in a row)").orElse("none"));
        table.row("global default", snapshot.findGlobalDefault().map(ModelRef::toString)
                .orElse("(none: OpenCode has no \"model\" set)"));
        return table.toString();
    }

    private Map<String, Object> freshnessJson(CatalogSnapshot snapshot, CatalogFreshness freshness) {
        Instant now = clock.instant();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", snapshot.source().toString());
        json.put("opencode_version", snapshot.findOpencodeVersion().orElse(null));
        json.put("snapshot_id", snapshot.snapshotId());
        json.put("fetched_at", freshness.fetchedAt().toString());
        json.put("age_ms", freshness.age(now).toMillis());
        json.put("stale", freshness.isStale(now));
        json.put("last_attempt", freshness.lastAttempt().toString());
        json.put("last_error", freshness.findLastError().orElse(null));
        json.put("consecutive_failures", freshness.consecutiveFailures());
        json.put("global_default", snapshot.findGlobalDefault().map(ModelRef::toString).orElse(null));
        json.put("models", snapshot.modelCount());
        return json;
    }

    private static String modelsText(CatalogProvider provider) {
        TextTable table = new TextTable("MODEL", "NAME", "CONTEXT", "OUTPUT", "$IN/M", "$OUT/M", "STATUS");
        for (CatalogModel model : provider.models().values()) {
            table.row(model.ref().modelId(), model.name(), tokens(model.contextLimit()), tokens(model.outputLimit()),
                    money(model.cost().inputPerMillion()), money(model.cost().outputPerMillion()),
                    model.status().isEmpty() ? "-" : model.status());
        }
        return provider.id() + " (" + provider.name() + "): " + provider.models().size() + " models, default "
                + provider.defaultModelId() + System.lineSeparator() + table;
    }

    private static Map<String, Object> providerJson(CatalogProvider provider) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", provider.id());
        json.put("name", provider.name());
        json.put("default_model", provider.defaultModelId());
        List<Map<String, Object>> models = new ArrayList<>();
        for (CatalogModel model : provider.models().values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", model.ref().modelId());
            row.put("name", model.name());
            row.put("context_limit", model.contextLimit());
            row.put("output_limit", model.outputLimit());
            row.put("input_per_million", model.cost().inputPerMillion());
            row.put("output_per_million", model.cost().outputPerMillion());
            row.put("status", model.status());
            models.add(row);
        }
        json.put("models", models);
        return json;
    }

    private static String tokens(long count) {
        if (count <= 0) {
            return "-";
        }
        return count >= 1_000_000 && count % 1_000_000 == 0 ? count / 1_000_000 + "M"
                : count >= 1_000 ? Math.round(count / 1_000.0) + "k" : Long.toString(count);
    }

    private static String money(BigDecimal perMillion) {
        return perMillion == null ? "-" : perMillion.stripTrailingZeros().toPlainString();
    }
}
