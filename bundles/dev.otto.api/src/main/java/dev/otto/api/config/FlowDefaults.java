package dev.otto.api.config;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The default model of each flow ({@code modelManagement.flowDefaults}). A flow without an entry
 * falls through to the task policy or the OpenCode global default.
 *
 * @param defaults the default model by flow; copied into an unmodifiable map in flow order. A
 *     {@code null} value is accepted and dropped, because {@code null} in the config file means the
 *     same as an absent entry
 */
public record FlowDefaults(Map<Flow, ModelRef> defaults) {

    /** No flow defaults: every run uses the OpenCode global default, as before Otto. */
    public static final FlowDefaults NONE = new FlowDefaults(Map.of());

    /** Copies the map, dropping null values. */
    public FlowDefaults {
        Objects.requireNonNull(defaults, "defaults must not be null (use FlowDefaults.NONE)");
        EnumMap<Flow, ModelRef> copy = new EnumMap<>(Flow.class);
        for (Map.Entry<Flow, ModelRef> entry : defaults.entrySet()) {
            Flow flow = Objects.requireNonNull(entry.getKey(), "flow must not be null");
            if (entry.getValue() != null) {
                copy.put(flow, entry.getValue());
            }
        }
        defaults = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the configured default of a flow.
     *
     * @param flow the flow
     * @return its default model, or empty to fall through
     */
    public Optional<ModelRef> forFlow(Flow flow) {
        Objects.requireNonNull(flow, "flow must not be null");
        return Optional.ofNullable(defaults.get(flow));
    }
}
