/**
 * The one connection to the OpenCode server: its HTTP endpoints, its credentials and its
 * server-sent event stream, owned by bundle {@code dev.otto.opencode}. The catalog source and the
 * OpenCode invoker use it as a service; nothing else talks to OpenCode.
 */
@Export
@Version("1.0.0")
package dev.otto.api.opencode;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
