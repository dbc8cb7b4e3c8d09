/**
 * The validated model-management configuration ({@code modelManagement} in
 * {@code ~/.config/otto/config.jsonc}): flow defaults, catalog settings and routing settings.
 * Every record here is already valid; a file that does not produce valid records is rejected whole
 * and the last good {@link dev.otto.api.config.ModelManagementConfig} stays in use.
 */
@Export
@Version("1.1.0")
package dev.otto.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
