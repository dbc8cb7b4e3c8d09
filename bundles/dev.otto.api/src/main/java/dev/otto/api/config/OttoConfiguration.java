package dev.otto.api.config;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The live model-management configuration. A valid edit of the file is visible through
 * {@link #current()} without restart; an invalid edit is rejected and the last good version stays.
 */
@ProviderType
public interface OttoConfiguration {

    /**
     * Returns the configuration in force. Callers read it once per decision and keep the value,
     * so that one run uses one version throughout.
     *
     * @return the current configuration, {@link ModelManagementConfig#DEFAULTS} if there is no file
     */
    ModelManagementConfig current();
}
