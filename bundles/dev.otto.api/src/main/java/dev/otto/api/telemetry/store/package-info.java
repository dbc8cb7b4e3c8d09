/**
 * Reading telemetry back: the {@link dev.otto.api.telemetry.store.TelemetryStore} service that a
 * telemetry sink with durable storage offers next to its {@code TelemetrySink}, the
 * {@link dev.otto.api.telemetry.store.DailyReport} it computes, and
 * {@link dev.otto.api.telemetry.store.WireRecords}, the one parser of the allow-listed wire form.
 */
@Export
@Version("1.0.0")
package dev.otto.api.telemetry.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
