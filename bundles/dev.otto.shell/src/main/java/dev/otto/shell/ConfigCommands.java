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
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;

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

    ConfigCommands(OttoConfiguration configuration, Clock clock) {
        this(clock);
        this.configuration = configuration;
    }

    @Descriptor("Show the config file, whether its newest version applied or was rejected (and why), "
            + "the version id in force, when it was applied, and every effective value")
    public String config(
            @Descriptor("print JSON instead of text")
            @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
        ConfigStatus status = service().status();
        return json ? Json.write(statusJson(status)) : statusText(status);
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

    private String statusText(ConfigStatus status) {
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
        TextTable routing = new TextTable("ROUTING", "VALUE");
        routing.row("fallbackChain", config.routing().fallbackChain().isEmpty() ? "(none)"
                : config.routing().fallbackChain().stream().map(ModelRef::toString).collect(Collectors.joining(" -> ")));
        routing.row("attemptBudget", config.routing().attemptBudget() == 0
                ? config.routing().effectiveAttemptBudget() + " (default: 1 + chain length)"
                : String.valueOf(config.routing().attemptBudget()));
        routing.row("runDeadline", config.routing().runDeadline());
        for (TaskType type : TaskType.values()) {
            config.routing().taskPolicyFor(type).ifPresent(ref -> routing.row("taskPolicies." + type.wireName(), ref));
        }
        config.routing().routeTypes().forEach((provider, type) -> routing.row("routeTypes." + provider, type.wireName()));
        out.append(System.lineSeparator()).append(routing);
        TextTable catalog = new TextTable("CATALOG", "VALUE");
        catalog.row("opencodeUrl", config.catalog().opencodeUrl());
        catalog.row("refreshInterval", config.catalog().refreshInterval());
        catalog.row("connectTimeout", config.catalog().connectTimeout());
        catalog.row("totalTimeout", config.catalog().totalTimeout());
        catalog.row("maxResponseBytes", config.catalog().maxResponseBytes());
        out.append(System.lineSeparator()).append(catalog);
        return out.toString();
    }

    private static String problems(List<ConfigProblem> problems, Path file) {
        return problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> System.lineSeparator() + "  " + p.describe(file)).collect(Collectors.joining());
    }

    private Map<String, Object> statusJson(ConfigStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("file", status.file().toString());
        json.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
        json.put("version", status.applied().versionId());
        json.put("applied_at", status.appliedAt().toString());
        json.put("problems", problemsJson(status.problems()));
        json.put("effective", effectiveJson(status.applied()));
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
