package dev.otto.api.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@value ConfigPids#ROUTING} configuration as a component property type. Lists of pairs are
 * {@code key=value} strings, since Config Admin has no maps; {@link ConfigProperties} converts both
 * ways.
 */
@ObjectClassDefinition(pid = ConfigPids.ROUTING, name = "Otto routing",
        description = "Flow defaults and routing settings, published from config.jsonc by dev.otto.config")
public @interface RoutingConfig {

    /** @return {@code flow=provider/model} pairs; a flow not listed falls through to the OpenCode global default */
    @AttributeDefinition(description = "flow=provider/model pairs (interactiveAssistant, scheduledTasks, heartbeat, watchdogFailures)")
    String[] flowDefaults() default {};

    /** @return the fallback chain, {@code provider/model} in order */
    @AttributeDefinition(description = "Fallback chain, provider/model in order")
    String[] fallbackChain() default {};

    /** @return {@code taskType=provider/model} pairs */
    @AttributeDefinition(description = "taskType=provider/model pairs (coding, orchestration, analysis, general)")
    String[] taskPolicies() default {};

    /** @return attempts per run; 0 means 1 + the chain length */
    @AttributeDefinition(description = "Attempts per run; 0 means 1 + the fallback chain length", min = "0")
    int attemptBudget() default 0;

    /** @return the run deadline, an ISO-8601 duration */
    @AttributeDefinition(description = "Wall-clock budget of one run, ISO-8601 (PT10M)")
    String runDeadline() default "PT10M";

    /** @return the first-token timeout, an ISO-8601 duration */
    @AttributeDefinition(description = "Longest wait for a provider's first output in one attempt, ISO-8601 (PT30S)")
    String firstTokenTimeout() default "PT30S";

    /** @return the stall timeout, an ISO-8601 duration */
    @AttributeDefinition(description = "Longest pause of an answer's output once it has begun, ISO-8601 (PT30S)")
    String stallTimeout() default "PT30S";

    /** @return the attempt timeout, an ISO-8601 duration */
    @AttributeDefinition(description = "Longest one whole attempt may take, ISO-8601 (PT5M)")
    String attemptTimeout() default "PT5M";

    /** @return the cooldown cap, an ISO-8601 duration */
    @AttributeDefinition(description = "Longest a model that answered with Retry-After is skipped, ISO-8601 (PT10M)")
    String cooldownMax() default "PT10M";

    /** @return {@code providerId=subscription|api_key} pairs */
    @AttributeDefinition(description = "providerId=subscription|api_key pairs")
    String[] routeTypes() default {};

    /** @return the version id of the applied config ({@value ConfigPids#VERSION_PROPERTY}) */
    @AttributeDefinition(description = "Version id of the applied config.jsonc")
    String config_version() default ModelManagementConfig.DEFAULTS_VERSION_ID;
}
