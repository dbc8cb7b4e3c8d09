package dev.otto.api.config;

import dev.otto.api.model.Ids;
import java.util.Objects;

/**
 * The whole validated {@code modelManagement} section, as one immutable value so that a run sees
 * one consistent version even while the file changes.
 *
 * @param versionId identifies this version of the config (e.g. a content hash); recorded in every
 *     run's telemetry as {@code config_version}
 * @param flowDefaults the flow defaults
 * @param catalog the catalog settings
 * @param routing the routing settings
 */
public record ModelManagementConfig(
        String versionId, FlowDefaults flowDefaults, CatalogSettings catalog, RoutingSettings routing) {

    /** Version id of {@link #DEFAULTS}, i.e. no config file or no {@code modelManagement} section. */
    public static final String DEFAULTS_VERSION_ID = "defaults";

    /** Built-in defaults: behaviour is exactly "use the OpenCode global default". */
    public static final ModelManagementConfig DEFAULTS = new ModelManagementConfig(
            DEFAULTS_VERSION_ID, FlowDefaults.NONE, CatalogSettings.DEFAULTS, RoutingSettings.DEFAULTS);

    /** Validates the fields. */
    public ModelManagementConfig {
        Ids.require(versionId, "versionId");
        Objects.requireNonNull(flowDefaults, "flowDefaults must not be null");
        Objects.requireNonNull(catalog, "catalog must not be null");
        Objects.requireNonNull(routing, "routing must not be null");
    }
}
