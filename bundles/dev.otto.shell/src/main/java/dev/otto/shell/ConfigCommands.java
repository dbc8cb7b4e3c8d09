package dev.otto.shell;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.config.OttoConfiguration;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.ModelRouter;
import dev.otto.support.text.TerminalSafe;

/** {@code otto:config} and {@code otto:config-check}: what configuration is in force, and is a file valid. */
// immediate: the hyphenated alias services live as long as the component, not just one call
@Component(service = ConfigCommands.class, immediate = true, property = {
        "osgi.command.scope=otto",
        "osgi.command.function=config",
        "osgi.command.function=configcheck" })
@Descriptor("Otto configuration (config.jsonc)")
public final class ConfigCommands {

    private static final String GLOBAL_DEFAULT = "(OpenCode global default)";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OttoConfiguration configuration;

    // what the router really applies: the bound policy may replace the configured chain and budget
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRouter router;

    private final Clock clock;
    private CommandAliases aliases;

    public ConfigCommands() {
        this(Clock.systemUTC());
    }

    @Activate
    void activate(BundleContext context) {
        aliases = new CommandAliases(context, this, Map.of("config-check", "configcheck"));
    }

    @Deactivate
    void deactivate() {
        aliases.close();
    }

    ConfigCommands(Clock clock) {
        this.clock = clock;
    }

    ConfigCommands(OttoConfiguration configuration, ModelRouter router, Clock clock) {
        this(clock);
        this.configuration = configuration;
        this.router = router;
    }

    @Descriptor("Show the config file, whether its newest version applied or was rejected (and why), "
            + "the version id in force, when it was applied, every effective value, and the fallback chain, attempt "
            + "budget and deadlines the router really applies (with where the chain comes from)")
    public String config(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        ConfigStatus status = service().status();
        ActiveRouting active = active(router);
        return json ? Json.write(statusJson(status, active)) : statusText(status, active);
    }

    /** The routing in force, or null when no router is bound (or it cannot say). */
    private static ActiveRouting active(ModelRouter router) {
        if (router == null) {
            return null;
        }
        try {
            return router.active();
        } catch (RuntimeException cannotSay) {
            return null;
        }
    }

    @Descriptor("Validate a config file without applying it; fails listing each problem (file:line:column: path: rule)")
    public String configcheck(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the file to check") String file) {
        Path path = Path.of(file).toAbsolutePath().normalize();
        ConfigCheck check = service().check(path);
        if (json) {
            return Json.write(checkJson(check));
        }
        if (!check.valid()) {
            throw new IllegalArgumentException(path + " is invalid, " + problems(check.problems(), path));
        }
        String verdict = path + " is valid: version " + check.config().versionId();
        return check.warnings().isEmpty() ? verdict : verdict + ", " + problems(check.warnings(), path);
    }

    private OttoConfiguration service() {
        OttoConfiguration current = configuration;
        if (current == null) {
            throw new IllegalStateException("the config bundle (dev.otto.config) is not running; "
                    + "'lb dev.otto' shows its state and 'start <id>' starts it");
        }
        return current;
    }

    private String statusText(ConfigStatus status, ActiveRouting active) {
        ModelManagementConfig config = status.applied();
        StringBuilder out = new StringBuilder();
        TextTable head = new TextTable("CONFIG", "");
        head.row("file", status.file());
        head.row("status", status.state().description());
        head.row("version", config.versionId() + ", applied " + Durations.ago(Duration.between(status.appliedAt(), clock.instant())));
        out.append(head);
        if (!status.problems().isEmpty()) {
            out.append(System.lineSeparator()).append(status.state() == ConfigStatus.State.REJECTED ? "Rejected, " : "Warnings, ")
                    .append(problems(status.problems(), status.file())).append(System.lineSeparator());
        }
        TextTable flows = new TextTable("FLOW", "MODEL");
        for (Flow flow : Flow.values()) {
            flows.row(flow.wireName(), config.flowDefaults().forFlow(flow).map(ModelRef::toString).orElse(GLOBAL_DEFAULT));
        }
        out.append(System.lineSeparator()).append(flows);
        out.append(System.lineSeparator()).append(routingTable(config, active));
        TextTable catalog = new TextTable("CATALOG", "VALUE");
        catalog.row("opencodeUrl", config.catalog().opencodeUrl());
        catalog.row("refreshInterval", config.catalog().refreshInterval());
        catalog.row("connectTimeout", config.catalog().connectTimeout());
        catalog.row("totalTimeout", config.catalog().totalTimeout());
        catalog.row("maxResponseBytes", config.catalog().maxResponseBytes());
        out.append(System.lineSeparator()).append(catalog);
        return out.toString();
    }

    /**
     * The routing the router applies when it runs (its chain, with where that comes from, and its
     * budget), else the configured values, saying the router is not running.
     */
    private static TextTable routingTable(ModelManagementConfig config, ActiveRouting active) {
        RoutingSettings settings = active == null ? config.routing() : active.settings();
        TextTable routing = new TextTable("ROUTING", "VALUE");
        if (active == null) {
            routing.row("router", "not running: the values below are the configured ones; the fallback policy's "
                    + "chain is unknown ('otto:status' says why)");
            routing.row("fallbackChain", RoutingText.chain(settings.fallbackChain()) + " (routing.fallbackChain)");
            routing.row("attemptBudget", settings.attemptBudget() == 0
                    ? settings.effectiveAttemptBudget() + " (default: 1 + chain length)"
                    : String.valueOf(settings.attemptBudget()));
        } else {
            routing.row("router", "running, config version " + active.configVersion()
                    + (active.configVersion().equals(config.versionId()) ? "" : " (not yet the version above)"));
            routing.row("fallbackChain", RoutingText.chain(active.fallbackChain()) + " (" + active.chainSource() + ")");
            routing.row("attemptBudget", active.attemptBudget()
                    + (settings.attemptBudget() == 0 ? " (default: 1 + chain length)" : ""));
        }
        routing.row("firstTokenTimeout", settings.firstTokenTimeout());
        routing.row("stallTimeout", settings.stallTimeout());
        routing.row("attemptTimeout", settings.attemptTimeout());
        routing.row("runDeadline", settings.runDeadline());
        routing.row("cooldownMax", settings.cooldownMax());
        for (TaskType type : TaskType.values()) {
            settings.taskPolicyFor(type).ifPresent(ref -> routing.row("taskPolicies." + type.wireName(), ref));
        }
        settings.routeTypes().forEach((provider, type) -> routing.row("routeTypes." + provider, type.wireName()));
        return routing;
    }

    private static String problems(List<ConfigProblem> problems, Path file) {
        return problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> System.lineSeparator() + "  " + describe(p, file)).collect(Collectors.joining());
    }

    /**
     * {@code file:line:column: path: rule}, or {@code file: rule} for a finding about the whole file
     * (a directory, a dangling link, an empty file has no line to point at).
     */
    private static String describe(ConfigProblem problem, Path file) {
        return TerminalSafe.line(problem.line() == 0 && problem.path().equals("$")
                ? file + ": " + problem.rule() : problem.describe(file));
    }

    private Map<String, Object> statusJson(ConfigStatus status, ActiveRouting active) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", status.file().toString());
        json.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
        json.put("version", status.applied().versionId());
        json.put("applied_at", status.appliedAt().toString());
        json.put("problems", problemsJson(status.problems()));
        json.put("effective", effectiveJson(status.applied()));
        json.put("router", routerJson(active));
        return json;
    }

    private static Map<String, Object> checkJson(ConfigCheck check) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", check.file().toString());
        json.put("valid", check.valid());
        json.put("version", check.valid() ? check.config().versionId() : null);
        json.put("problems", problemsJson(check.problems()));
        return json;
    }

    private static List<Map<String, Object>> problemsJson(List<ConfigProblem> problems) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ConfigProblem p : problems) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT));
            row.put("path", p.path());
            row.put("line", p.line());
            row.put("column", p.column());
            row.put("rule", p.rule());
            list.add(row);
        }
        return list;
    }

    /** What the router applies, or {@code running: false}. */
    private static Map<String, Object> routerJson(ActiveRouting active) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("running", active != null);
        if (active != null) {
            json.put("config_version", active.configVersion());
            json.put("fallback_chain", active.fallbackChain().stream().map(ModelRef::toString).collect(Collectors.toList()));
            json.put("chain_source", active.chainSource());
            json.put("attempt_budget", active.attemptBudget());
            json.put("deadlines", RoutingText.deadlinesJson(RoutingText.deadlines(active.settings())));
            json.put("cooldown_max", active.settings().cooldownMax().toString());
        }
        return json;
    }

    private static Map<String, Object> effectiveJson(ModelManagementConfig config) {
        Map<String, Object> flows = new LinkedHashMap<>();
        for (Flow flow : Flow.values()) {
            flows.put(flow.wireName(), config.flowDefaults().forFlow(flow).map(ModelRef::toString).orElse(null));
        }
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("fallbackChain", config.routing().fallbackChain().stream().map(ModelRef::toString).collect(Collectors.toList()));
        Map<String, Object> policies = new LinkedHashMap<>();
        config.routing().taskPolicies().forEach((type, ref) -> policies.put(type.wireName(), ref.toString()));
        routing.put("taskPolicies", policies);
        routing.put("attemptBudget", config.routing().effectiveAttemptBudget());
        routing.put("runDeadline", config.routing().runDeadline().toString());
        routing.put("firstTokenTimeout", config.routing().firstTokenTimeout().toString());
        routing.put("stallTimeout", config.routing().stallTimeout().toString());
        routing.put("attemptTimeout", config.routing().attemptTimeout().toString());
        routing.put("cooldownMax", config.routing().cooldownMax().toString());
        Map<String, Object> routeTypes = new LinkedHashMap<>();
        config.routing().routeTypes().forEach((provider, type) -> routeTypes.put(provider, type.wireName()));
        routing.put("routeTypes", routeTypes);
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("opencodeUrl", config.catalog().opencodeUrl().toString());
        catalog.put("refreshInterval", config.catalog().refreshInterval().toString());
        catalog.put("connectTimeout", config.catalog().connectTimeout().toString());
        catalog.put("totalTimeout", config.catalog().totalTimeout().toString());
        catalog.put("maxResponseBytes", config.catalog().maxResponseBytes());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("flowDefaults", flows);
        json.put("routing", routing);
        json.put("catalog", catalog);
        return json;
    }
}
