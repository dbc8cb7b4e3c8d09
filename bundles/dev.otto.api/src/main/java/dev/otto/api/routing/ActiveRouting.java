package dev.otto.api.routing;

import java.util.List;
import java.util.Objects;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;

/**
 * The routing the router applies right now, for operators ({@code otto:config}): the settings of
 * the configuration in force, and the fallback chain and attempt budget as they come out of the
 * fallback policy bound at this moment (which may replace an empty configured chain with its own).
 *
 * @param settings the routing settings of the configuration in force
 * @param configVersion the version id of that configuration
 * @param fallbackChain the chain a run of the interactive assistant gets now, before catalog and
 *     cooldown checks
 * @param chainSource where that chain comes from, e.g. {@code policy openai-first} or
 *     {@code routing.fallbackChain (no policy bound)}
 * @param attemptBudget the attempt budget in force for that chain
 */
public record ActiveRouting(RoutingSettings settings, String configVersion, List<ModelRef> fallbackChain,
        String chainSource, int attemptBudget) {

    /** Validates and copies the fields. */
    public ActiveRouting {
        Objects.requireNonNull(settings, "settings must not be null");
        Objects.requireNonNull(configVersion, "configVersion must not be null");
        Objects.requireNonNull(chainSource, "chainSource must not be null");
        fallbackChain = List.copyOf(fallbackChain);
        if (attemptBudget < 1) {
            throw new IllegalArgumentException("attemptBudget is " + attemptBudget + ": expected >= 1");
        }
    }
}
