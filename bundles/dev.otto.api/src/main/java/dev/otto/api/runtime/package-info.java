/**
 * Where Otto keeps its files: the config file and the data directory with the catalog cache, the
 * database, telemetry, logs and the console socket, and the console socket's wire format. Pure path arithmetic, shared so that every bundle and the launcher
 * agree on the same locations; and {@link dev.otto.api.runtime.HealthCheck}, what a bundle reports about the files it owns.
 */
@Export
@Version("1.2.0")
package dev.otto.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
