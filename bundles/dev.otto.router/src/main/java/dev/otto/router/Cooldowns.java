package dev.otto.router;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ErrorClass;

/**
 * The models that answered with a {@code Retry-After}, each skipped by later plans until that
 * moment and never longer than the configured cap. Nothing cools down without a
 * {@code Retry-After}: a provider that did not name a time is tried again by the next run. Kept in
 * memory only: a restart forgets them, which at worst costs one more early request.
 */
final class Cooldowns {

    private final Map<ModelRef, Cooldown> byModel = new ConcurrentHashMap<>();

    /**
     * Records a model's {@code Retry-After}; the newest answer of a model replaces an older one.
     *
     * @param model the model
     * @param retryAfter what the provider asked for
     * @param cap the longest cooldown allowed
     * @param errorClass the error class of the answer
     * @param now the time of the answer
     */
    void record(ModelRef model, Duration retryAfter, Duration cap, ErrorClass errorClass, Instant now) {
        Duration wait = retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
        if (wait.isNegative() || wait.isZero()) {
            return;
        }
        byModel.put(model, new Cooldown(model, now.plus(wait), errorClass, now));
    }

    /**
     * Returns the cooldowns in force, dropping those that have ended.
     *
     * @param now the time
     * @return by model; a copy
     */
    Map<ModelRef, Cooldown> active(Instant now) {
        byModel.values().removeIf(cooldown -> !cooldown.activeAt(now));
        return Map.copyOf(byModel);
    }

    /**
     * Returns the cooldowns in force, soonest end first.
     *
     * @param now the time
     * @return the list
     */
    List<Cooldown> list(Instant now) {
        return active(now).values().stream().sorted(Comparator.comparing(Cooldown::until)
                .thenComparing(c -> c.model().toString())).collect(Collectors.toList());
    }
}
