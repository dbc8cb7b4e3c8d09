package dev.otto.api.catalog;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the catalog comes from. The default source reads the OpenCode server's API; a plugin may
 * register another (e.g. a file for air-gapped hosts), selected by {@code service.ranking} or a
 * {@code *.target} filter in configuration.
 *
 * <p>Implementations are called from the catalog's refresh thread, one fetch at a time, and must
 * bound their own time and answer size (see {@link dev.otto.api.config.CatalogSettings}).
 */
@ConsumerType
public interface CatalogSource {

    /**
     * Returns a short name for shell output and logs, e.g. {@code opencode}.
     *
     * @return the source's name
     */
    String name();

    /**
     * Fetches the whole catalog.
     *
     * @return a complete snapshot; partial data is a failure, not a snapshot
     * @throws CatalogFetchException if the catalog could not be fetched or understood
     */
    CatalogSnapshot fetch() throws CatalogFetchException;
}
