package dev.otto.api.catalog;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The model catalog service. It is registered only once a first snapshot exists (the first fetch
 * at startup must succeed), so {@link #snapshot()} never blocks and never fails.
 */
@ProviderType
public interface ModelCatalog {

    /**
     * Returns the snapshot in use: the last one fetched successfully.
     *
     * @return the current snapshot, never null
     */
    CatalogSnapshot snapshot();

    /**
     * Returns how fresh the snapshot in use is and how recent fetches went.
     *
     * @return the freshness, never null
     */
    CatalogFreshness freshness();

    /**
     * Fetches the catalog now. On success the new snapshot replaces the old one and is written to
     * the disk cache; on failure the old snapshot stays in use and the failure is recorded in
     * {@link #freshness()}.
     *
     * @return the new snapshot
     * @throws CatalogFetchException if the fetch failed; the message names the source and never
     *     contains secrets
     */
    CatalogSnapshot refresh() throws CatalogFetchException;
}
