package dev.otto.api.catalog;

import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The whole catalog as fetched at one moment. Immutable: a refresh produces a new snapshot, so a
 * run that resolved against one snapshot sees consistent data throughout.
 *
 * <p>Nullable components ({@code opencodeVersion}, {@code globalDefault}) have
 * {@code Optional}-returning {@code find...} helpers; the plain accessors return null.
 *
 * @param snapshotId an id of this content (e.g. a hash), stable across restarts for the same data
 * @param fetchedAt when the source answered
 * @param source where the data came from, e.g. {@code http://127.0.0.1:4096}; never carries
 *     credentials
 * @param opencodeVersion the OpenCode version that served it, or null if unknown
 * @param providers the providers by id; copied into an unmodifiable map sorted by id, each key
 *     must equal its provider's id
 * @param globalDefault OpenCode's global default model ({@code model} in its config), or null when
 *     the user has not set one; it is not guaranteed to be in the catalog, see {@link #isAvailable}
 */
public record CatalogSnapshot(
        String snapshotId,
        Instant fetchedAt,
        URI source,
        String opencodeVersion,
        Map<String, CatalogProvider> providers,
        ModelRef globalDefault) {

    /** Validates the fields and copies the provider map. */
    public CatalogSnapshot {
        Ids.require(snapshotId, "snapshotId");
        Objects.requireNonNull(fetchedAt, "fetchedAt must not be null");
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(providers, "providers must not be null");
        if (source.getUserInfo() != null) {
            throw new IllegalArgumentException("source must not carry credentials (user info) in the URI");
        }
        if (opencodeVersion != null && opencodeVersion.isBlank()) {
            throw new IllegalArgumentException("opencodeVersion must not be blank: use null when unknown");
        }
        TreeMap<String, CatalogProvider> copy = new TreeMap<>();
        for (Map.Entry<String, CatalogProvider> entry : providers.entrySet()) {
            String key = Objects.requireNonNull(entry.getKey(), "provider id key must not be null");
            CatalogProvider provider = entry.getValue();
            if (provider == null) {
                throw new NullPointerException("provider " + key + " must not be null");
            }
            if (!provider.id().equals(key)) {
                throw new IllegalArgumentException(
                        "provider under key \"" + key + "\" has id \"" + provider.id() + "\": expected equal ids");
            }
            copy.put(key, provider);
        }
        providers = Collections.unmodifiableMap(copy);
    }

    /**
     * Looks a model up by reference: two map reads, no search.
     *
     * @param ref the model reference
     * @return the model, or empty if the catalog does not list it
     */
    public Optional<CatalogModel> find(ModelRef ref) {
        Objects.requireNonNull(ref, "ref must not be null");
        CatalogProvider provider = providers.get(ref.providerId());
        return provider == null ? Optional.empty() : provider.findModel(ref.modelId());
    }

    /**
     * Tells whether the catalog lists the model, i.e. whether a run may use it.
     *
     * @param ref the model reference
     * @return true if the catalog lists it
     */
    public boolean isAvailable(ModelRef ref) {
        return find(ref).isPresent();
    }

    /**
     * Returns the provider with the given id.
     *
     * @param providerId the provider id
     * @return the provider, or empty if not in the catalog
     */
    public Optional<CatalogProvider> findProvider(String providerId) {
        return Optional.ofNullable(providers.get(providerId));
    }

    /**
     * Returns OpenCode's global default model, whether or not the catalog lists it.
     *
     * @return the global default, or empty if OpenCode has none configured
     */
    public Optional<ModelRef> findGlobalDefault() {
        return Optional.ofNullable(globalDefault);
    }

    /**
     * Returns OpenCode's version.
     *
     * @return the version that served this snapshot, or empty if unknown
     */
    public Optional<String> findOpencodeVersion() {
        return Optional.ofNullable(opencodeVersion);
    }

    /**
     * Counts the models of all providers.
     *
     * @return the number of models in the catalog
     */
    public int modelCount() {
        int count = 0;
        for (CatalogProvider provider : providers.values()) {
            count += provider.models().size();
        }
        return count;
    }

    /** Summarises instead of printing thousands of models. */
    @Override
    public String toString() {
        return "CatalogSnapshot[snapshotId=" + snapshotId + ", fetchedAt=" + fetchedAt + ", source=" + source
                + ", opencodeVersion=" + opencodeVersion + ", providers=" + providers.size() + ", models="
                + modelCount() + ", globalDefault=" + globalDefault + "]";
    }
}
