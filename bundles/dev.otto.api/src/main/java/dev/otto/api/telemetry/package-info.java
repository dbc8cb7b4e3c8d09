/**
 * Telemetry records and their wire form. {@link dev.otto.api.telemetry.TelemetryRecord#toWire()} is
 * the allow-list of what may be written: ids, model references, enum wire names, error class
 * names, numbers and timestamps. There is no free-text field, so prompts, answers, provider
 * messages and credentials cannot reach a sink.
 */
@Export
@Version("1.0.0")
package dev.otto.api.telemetry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
