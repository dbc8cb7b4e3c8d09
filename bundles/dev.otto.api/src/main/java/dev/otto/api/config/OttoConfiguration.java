package dev.otto.api.config;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The live model-management configuration, read from {@code config.jsonc} by the config bundle,
 * the only reader of that file. A valid edit is in force within seconds; an invalid one is
 * rejected whole and the last good configuration stays.
 *
 * <p>Components that need one section live also receive it as DS configuration through Config
 * Admin (see {@link ConfigPids}); this service is for code that wants the whole view at once.
 */
@ProviderType
public interface OttoConfiguration {

    /**
     * Returns the configuration in force: a lock-free read, never I/O.
     *
     * @return the applied configuration; {@link ModelManagementConfig#DEFAULTS} until a file applies
     */
    ModelManagementConfig current();

    /**
     * Returns what happened to the newest version of the file.
     *
     * @return the file, its state, the applied config and the findings about the newest version
     */
    ConfigStatus status();

    /**
     * Validates a file without applying it.
     *
     * @param file any file; it need not be the watched one
     * @return the findings, and the config the file would give when it is valid; a file that
     *     cannot be read is one error naming the reason
     */
    ConfigCheck check(Path file);
}
