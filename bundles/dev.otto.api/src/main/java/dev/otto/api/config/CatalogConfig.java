package dev.otto.api.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The {@value ConfigPids#CATALOG} configuration as a component property type. */
@ObjectClassDefinition(pid = ConfigPids.CATALOG, name = "Otto model catalog",
        description = "Catalog settings, published from config.jsonc by dev.otto.config")
public @interface CatalogConfig {

    /** @return the OpenCode server's base URL */
    @AttributeDefinition(description = "Base URL of the OpenCode server")
    String opencodeUrl() default "http://127.0.0.1:4096";

    /** @return time between scheduled refreshes, ISO-8601 */
    @AttributeDefinition(description = "Time between scheduled refreshes, ISO-8601 (PT24H)")
    String refreshInterval() default "PT24H";

    /** @return limit for opening a connection, ISO-8601 */
    @AttributeDefinition(description = "Connect timeout, ISO-8601 (PT5S)")
    String connectTimeout() default "PT5S";

    /** @return limit for one whole fetch, ISO-8601 */
    @AttributeDefinition(description = "Total timeout of one fetch, ISO-8601 (PT30S)")
    String totalTimeout() default "PT30S";

    /** @return largest answer accepted, in bytes */
    @AttributeDefinition(description = "Largest answer accepted, in bytes", min = "1")
    long maxResponseBytes() default 67_108_864L;

    /** @return the version id of the applied config ({@value ConfigPids#VERSION_PROPERTY}) */
    @AttributeDefinition(description = "Version id of the applied config.jsonc")
    String config_version() default ModelManagementConfig.DEFAULTS_VERSION_ID;
}
