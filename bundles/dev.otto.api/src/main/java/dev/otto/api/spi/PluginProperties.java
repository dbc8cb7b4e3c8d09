package dev.otto.api.spi;

/** Service property names and values shared by all plugins. */
public final class PluginProperties {

    /**
     * Service property naming a plugin instance, e.g. {@code opencode} or {@code jsonl}; set it with
     * {@link PluginName}. Operators filter on it ({@code (otto.plugin.name=jsonl)}) and the shell
     * shows it.
     */
    public static final String NAME = "otto.plugin.name";

    /**
     * The {@code service.ranking} of Otto's built-in default plugins: negative, so that any added
     * plugin with the default ranking 0 takes precedence.
     */
    public static final int DEFAULT_RANKING = -100;

    private PluginProperties() {
    }
}
