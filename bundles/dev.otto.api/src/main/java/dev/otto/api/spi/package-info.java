/**
 * Plugin SPIs: the swappable parts of routing. Plugins register these as whiteboard services
 * (Declarative Services components); Otto picks them up and drops them at runtime without failing
 * a run. Built-in defaults ship with a negative {@code service.ranking}
 * ({@link dev.otto.api.spi.PluginProperties#DEFAULT_RANKING}) so that an added plugin wins, and an
 * operator can pin one with a {@code *.target} filter on {@code otto.plugin.name}.
 */
@Export
@Version("1.1.0")
package dev.otto.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
