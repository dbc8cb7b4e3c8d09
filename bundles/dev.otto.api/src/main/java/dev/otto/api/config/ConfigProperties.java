package dev.otto.api.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;

/**
 * Converts the typed configuration to Config Admin properties and back: the one place that knows
 * how {@link RoutingConfig} and {@link CatalogConfig} spell the records of this package.
 */
public final class ConfigProperties {

    private ConfigProperties() {
    }

    /**
     * Returns the properties of {@value ConfigPids#ROUTING}.
     *
     * @param config the applied configuration
     * @return property name to value (String, String[] or Integer)
     */
    public static Map<String, Object> routing(ModelManagementConfig config) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> flows = new ArrayList<>();
        config.flowDefaults().defaults().forEach((flow, ref) -> flows.add(flow.wireName() + "=" + ref));
        properties.put("flowDefaults", flows.toArray(new String[0]));
        properties.put("fallbackChain", config.routing().fallbackChain().stream().map(ModelRef::toString).toArray(String[]::new));
        List<String> policies = new ArrayList<>();
        config.routing().taskPolicies().forEach((type, ref) -> policies.add(type.wireName() + "=" + ref));
        properties.put("taskPolicies", policies.toArray(new String[0]));
        properties.put("attemptBudget", config.routing().attemptBudget());
        properties.put("runDeadline", config.routing().runDeadline().toString());
        properties.put("firstTokenTimeout", config.routing().firstTokenTimeout().toString());
        properties.put("stallTimeout", config.routing().stallTimeout().toString());
        properties.put("attemptTimeout", config.routing().attemptTimeout().toString());
        properties.put("cooldownMax", config.routing().cooldownMax().toString());
        List<String> routeTypes = new ArrayList<>();
        config.routing().routeTypes().forEach((provider, type) -> routeTypes.add(provider + "=" + type.wireName()));
        properties.put("routeTypes", routeTypes.toArray(new String[0]));
        properties.put(ConfigPids.VERSION_PROPERTY, config.versionId());
        return properties;
    }

    /**
     * Returns the properties of {@value ConfigPids#CATALOG}.
     *
     * @param config the applied configuration
     * @return property name to value (String or Long)
     */
    public static Map<String, Object> catalog(ModelManagementConfig config) {
        CatalogSettings catalog = config.catalog();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("opencodeUrl", catalog.opencodeUrl().toString());
        properties.put("refreshInterval", catalog.refreshInterval().toString());
        properties.put("connectTimeout", catalog.connectTimeout().toString());
        properties.put("totalTimeout", catalog.totalTimeout().toString());
        properties.put("maxResponseBytes", catalog.maxResponseBytes());
        properties.put(ConfigPids.VERSION_PROPERTY, config.versionId());
        return properties;
    }

    /**
     * Reads the flow defaults of a routing configuration.
     *
     * @param config the component's typed configuration
     * @return the flow defaults
     * @throws IllegalArgumentException when a pair is malformed (the config bundle never publishes one)
     */
    public static FlowDefaults flowDefaults(RoutingConfig config) {
        Map<Flow, ModelRef> defaults = new EnumMap<>(Flow.class);
        pairs(config.flowDefaults(), "flowDefaults").forEach((k, v) -> defaults.put(Flow.fromWire(k), ModelRef.parse(v)));
        return new FlowDefaults(defaults);
    }

    /**
     * Reads the routing settings of a routing configuration.
     *
     * @param config the component's typed configuration
     * @return the routing settings
     * @throws IllegalArgumentException when a value is malformed (the config bundle never publishes one)
     */
    public static RoutingSettings routingSettings(RoutingConfig config) {
        List<ModelRef> chain = new ArrayList<>();
        for (String ref : config.fallbackChain()) {
            chain.add(ModelRef.parse(ref));
        }
        Map<TaskType, ModelRef> policies = new EnumMap<>(TaskType.class);
        pairs(config.taskPolicies(), "taskPolicies").forEach((k, v) -> policies.put(TaskType.fromWire(k), ModelRef.parse(v)));
        Map<String, RouteType> routeTypes = new TreeMap<>();
        pairs(config.routeTypes(), "routeTypes").forEach((k, v) -> routeTypes.put(k, RouteType.fromWire(v)));
        return new RoutingSettings(chain, policies, config.attemptBudget(), Duration.parse(config.runDeadline()), routeTypes,
                Duration.parse(config.firstTokenTimeout()), Duration.parse(config.stallTimeout()),
                Duration.parse(config.attemptTimeout()), Duration.parse(config.cooldownMax()));
    }

    /**
     * Reads a catalog configuration.
     *
     * @param config the component's typed configuration
     * @return the catalog settings
     * @throws IllegalArgumentException when a value is malformed (the config bundle never publishes one)
     */
    public static CatalogSettings catalogSettings(CatalogConfig config) {
        return new CatalogSettings(URI.create(config.opencodeUrl()), Duration.parse(config.refreshInterval()),
                Duration.parse(config.connectTimeout()), Duration.parse(config.totalTimeout()), config.maxResponseBytes());
    }

    private static Map<String, String> pairs(String[] entries, String property) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(property + " entry is not key=value: expected e.g. heartbeat=openai/gpt-5.4-mini");
            }
            pairs.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return pairs;
    }
}
