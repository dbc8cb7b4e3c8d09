/**
 * Model identity and the small closed vocabularies every other package uses: a model reference
 * ({@code provider/model}), the route type a run is billed through, the flows that start runs and
 * the task types that select a task policy.
 *
 * <p>Wire names of the enums are exact and closed: they appear in config, telemetry and the
 * database, so a change here is a breaking change.
 */
@Export
@Version("1.0.0")
package dev.otto.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
