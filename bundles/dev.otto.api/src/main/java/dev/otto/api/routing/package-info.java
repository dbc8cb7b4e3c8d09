/**
 * Model resolution and the routing boundary. Every model-bearing action goes through
 * {@link dev.otto.api.routing.ModelRouter}: it resolves the model
 * ({@link dev.otto.api.routing.ModelResolver}), runs the attempt plan, classifies failures into
 * {@link dev.otto.api.routing.ReasonCode}s and {@link dev.otto.api.routing.ErrorClass}es and records
 * telemetry. Callers never pick model strings themselves.
 */
@Export
@Version("2.0.0")
package dev.otto.api.routing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
