package dev.otto.router;

import java.util.List;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.Resolution;

/**
 * A resolution with what the router records about it.
 *
 * @param resolution the model to start with and its source
 * @param requested what the precedence rules chose before the availability check, or null when
 *     they chose nothing and the global default applied directly
 * @param explanation why, in one sentence
 * @param audit audit tokens the resolution implies ({@code model_unavailable}, {@code policy_override})
 */
record Decision(Resolution resolution, ModelRef requested, String explanation, List<String> audit) {

    Decision {
        audit = List.copyOf(audit);
    }
}
