package dev.otto.router.policy;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.PluginName;
import dev.otto.api.spi.PluginProperties;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Otto's built-in {@link FallbackPolicy}: the configured fallback chain
 * ({@code modelManagement.routing.fallbackChain}), or, when none is configured, the OpenAI-first
 * chain {@value #DEFAULT_CHAIN_TEXT} of design 021 (A2); and a run goes on to the next model after
 * every failure except those in {@link #STOP_ON}, where every model would fail the same way.
 *
 * <p>Both decisions are pure functions of their arguments: no clock, no randomness, no I/O, no
 * state. The chain does not depend on the request: the resolved model comes first in the plan
 * anyway, and the same fallbacks for every run keep plans easy to predict.
 */
// a negative ranking: any FallbackPolicy an administrator adds is used instead
@Component(service = FallbackPolicy.class,
        property = "service.ranking:Integer=" + PluginProperties.DEFAULT_RANKING)
@PluginName(OpenAiFirstFallbackPolicy.NAME)
public final class OpenAiFirstFallbackPolicy implements FallbackPolicy {

    /** The value of this plugin's {@value PluginProperties#NAME} service property. */
    public static final String NAME = "openai-first";

    /** {@link #DEFAULT_CHAIN} as written in config and in the README. */
    public static final String DEFAULT_CHAIN_TEXT = "openai-codex/gpt-5.3-codex, openai/gpt-5.2, openai/gpt-5o";

    /** The chain used when the configuration names none: OpenAI first, as design 021 A2 sets it. */
    public static final List<ModelRef> DEFAULT_CHAIN = List.of(
            ModelRef.parse("openai-codex/gpt-5.3-codex"),
            ModelRef.parse("openai/gpt-5.2"),
            ModelRef.parse("openai/gpt-5o"));

    /**
     * Error classes that end the run instead of falling back: the request itself is at fault, so
     * the next model would reject it the same way and only add cost and delay. Every other class,
     * including those this policy does not know, falls back.
     */
    public static final Set<ErrorClass> STOP_ON = Set.of(ErrorClass.INVALID_REQUEST);

    @Override
    public List<ModelRef> fallbackChain(RunRequest request, RoutingSettings settings) {
        Objects.requireNonNull(request, "request must not be null");
        Objects.requireNonNull(settings, "settings must not be null");
        List<ModelRef> chain = settings.fallbackChain().isEmpty() ? DEFAULT_CHAIN : settings.fallbackChain();
        // without repeats, so that the chain otto:config shows is the one tried
        return List.copyOf(new LinkedHashSet<>(chain));
    }

    @Override
    public boolean shouldContinue(Classification failure, int attemptNumber) {
        Objects.requireNonNull(failure, "failure must not be null");
        if (attemptNumber < 1) {
            throw new IllegalArgumentException("attemptNumber is " + attemptNumber + ": expected >= 1");
        }
        // the attempt number does not matter: budget and deadline are the router's
        return !STOP_ON.contains(failure.errorClass());
    }
}
