package dev.otto.api.catalog;

import dev.otto.api.model.ModelRef;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One provider of the catalog and its models.
 *
 * @param id the provider id, e.g. {@code openai}; the provider part of every model reference
 * @param name the display name, e.g. {@code OpenAI}; non-null, may be empty
 * @param defaultModelId the provider's own default model id, or null if the catalog names none
 *     (this is not the OpenCode global default, see {@link CatalogSnapshot#globalDefault()})
 * @param models the models by model id; copied into an unmodifiable map sorted by id, so listings
 *     are stable; each key must equal its model's id and each model must belong to this provider
 */
public record CatalogProvider(String id, String name, String defaultModelId, Map<String, CatalogModel> models) {

    /** Validates the fields and copies the model map. */
    public CatalogProvider {
        Objects.requireNonNull(id, "id must not be null");
        if (name == null) {
            throw new NullPointerException("name of provider " + id + " must not be null");
        }
        if (models == null) {
            throw new NullPointerException("models of provider " + id + " must not be null");
        }
        ModelRef.requireProviderId(id, "id");
        if (defaultModelId != null && defaultModelId.isBlank()) {
            throw new IllegalArgumentException(
                    "defaultModelId of provider " + id + " must not be blank: use null when there is none");
        }
        TreeMap<String, CatalogModel> copy = new TreeMap<>();
        for (Map.Entry<String, CatalogModel> entry : models.entrySet()) {
            String key = entry.getKey();
            if (key == null) {
                throw new NullPointerException("model id key of provider " + id + " must not be null");
            }
            CatalogModel model = Objects.requireNonNull(
                    entry.getValue(), "model " + key + " of provider " + id + " must not be null");
            if (!model.ref().providerId().equals(id) || !model.ref().modelId().equals(key)) {
                throw new IllegalArgumentException("model under key \"" + key + "\" of provider " + id
                        + " is " + model.ref() + ": expected " + id + "/" + key);
            }
            copy.put(key, model);
        }
        models = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the model with the given id.
     *
     * @param modelId the model id (may contain {@code /})
     * @return the model, or empty if this provider does not list it
     */
    public Optional<CatalogModel> findModel(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /**
     * Returns the provider's own default model as a reference.
     *
     * @return {@code id/defaultModelId}, or empty if the catalog names no default
     */
    public Optional<ModelRef> findDefaultModel() {
        return defaultModelId == null ? Optional.empty() : Optional.of(new ModelRef(id, defaultModelId));
    }
}
