/**
 * Portable tool use: finding executables on {@code PATH} ({@code python3}, {@code rg} with a
 * {@code grep} fallback), text search with the same normalized results on either backend, SOP
 * documents that may be missing, and job hooks run with a timeout, a sanitized environment and
 * bounded output. Arguments always travel as a list, never through a shell.
 */
@Export
@Version("1.0.0")
package dev.otto.api.tools;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
