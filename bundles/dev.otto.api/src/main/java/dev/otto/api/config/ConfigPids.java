package dev.otto.api.config;

/**
 * The Config Admin PIDs the config bundle publishes, one per section of {@code config.jsonc}.
 * Components receive them as typed configuration ({@link RoutingConfig}, {@link CatalogConfig})
 * and take changes in a {@code @Modified} method, so a live edit never interrupts work in flight.
 */
public final class ConfigPids {

    /** Flow defaults and routing settings ({@code modelManagement.flowDefaults} and {@code .routing}). */
    public static final String ROUTING = "dev.otto.routing";

    /** Catalog settings ({@code modelManagement.catalog}). */
    public static final String CATALOG = "dev.otto.catalog";

    /** Property carried by every published configuration: the version id of the applied config. */
    public static final String VERSION_PROPERTY = "config.version";

    private ConfigPids() {
    }
}
