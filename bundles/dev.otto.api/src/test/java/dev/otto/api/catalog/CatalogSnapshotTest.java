package dev.otto.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.ModelRef;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogSnapshotTest {

    static final Instant FETCHED = Instant.parse("2026-01-02T03:04:05Z");
    static final URI SOURCE = URI.create("http://127.0.0.1:4096");

    static CatalogModel model(String ref) {
        return new CatalogModel(ModelRef.parse(ref), ref, 400_000, 128_000,
                new ModelCost(new BigDecimal("1.75"), new BigDecimal("14"), new BigDecimal("0.175"), null), "active");
    }

    static CatalogProvider provider(String id, String... refs) {
        Map<String, CatalogModel> models = new HashMap<>();
        for (String ref : refs) {
            CatalogModel model = model(ref);
            models.put(model.ref().modelId(), model);
        }
        return new CatalogProvider(id, id.toUpperCase(), null, models);
    }

    static CatalogSnapshot snapshot() {
        return new CatalogSnapshot("snap-1", FETCHED, SOURCE, "1.18.33",
                Map.of("openai", provider("openai", "openai/gpt-5.2", "openai/gpt-5.3-codex"),
                        "openrouter", provider("openrouter", "openrouter/google/gemini-3-pro")),
                ModelRef.parse("openai/gpt-5.2"));
    }

    @Test
    void findsModelsWhoseIdContainsASlash() {
        CatalogSnapshot snapshot = snapshot();
        ModelRef gemini = ModelRef.parse("openrouter/google/gemini-3-pro");

        assertThat(snapshot.find(gemini)).map(CatalogModel::ref).contains(gemini);
        assertThat(snapshot.isAvailable(gemini)).isTrue();
        assertThat(snapshot.isAvailable(ModelRef.parse("openrouter/google/gemini-2"))).isFalse();
        assertThat(snapshot.isAvailable(ModelRef.parse("openai/gpt-5o"))).isFalse();
        assertThat(snapshot.isAvailable(ModelRef.parse("openai-codex/gpt-5.3-codex"))).isFalse();
        assertThat(snapshot.modelCount()).isEqualTo(3);
        assertThat(snapshot.findGlobalDefault()).contains(ModelRef.parse("openai/gpt-5.2"));
    }

    @Test
    void globalDefaultIsOptional() {
        CatalogSnapshot snapshot = new CatalogSnapshot("s", FETCHED, SOURCE, null, Map.of(), null);

        assertThat(snapshot.findGlobalDefault()).isEmpty();
        assertThat(snapshot.findOpencodeVersion()).isEmpty();
        assertThat(snapshot.modelCount()).isZero();
    }

    @Test
    void providersAreCopiedAndSorted() {
        Map<String, CatalogProvider> providers = new HashMap<>();
        providers.put("zeta", provider("zeta"));
        providers.put("alpha", provider("alpha"));
        CatalogSnapshot snapshot = new CatalogSnapshot("s", FETCHED, SOURCE, null, providers, null);
        providers.clear();

        assertThat(snapshot.providers()).containsOnlyKeys("alpha", "zeta");
        assertThat(snapshot.providers().keySet()).containsExactly("alpha", "zeta");
        assertThatThrownBy(() -> snapshot.providers().put("x", provider("x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsInconsistentKeys() {
        assertThatThrownBy(() -> new CatalogSnapshot("s", FETCHED, SOURCE, null, Map.of("other", provider("openai")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"other\"");
        assertThatThrownBy(() -> new CatalogProvider("openai", "OpenAI", null, Map.of("gpt-5.2", model("openai/gpt-5o"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected openai/gpt-5.2");
        assertThatThrownBy(() -> new CatalogProvider("anthropic", "A", null, Map.of("gpt-5.2", model("openai/gpt-5.2"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsCredentialsInSourceAndBadFields() {
        assertThatThrownBy(() -> new CatalogSnapshot("s", FETCHED, URI.create("http://u:p@host:4096"), null, Map.of(), null))
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> new CatalogSnapshot("s", null, SOURCE, null, Map.of(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("fetchedAt must not be null");
        assertThatThrownBy(() -> new CatalogModel(ModelRef.parse("a/b"), "B", -1, 0, ModelCost.UNKNOWN, ""))
                .hasMessageContaining("contextLimit of a/b is -1");
        assertThatThrownBy(() -> new CatalogModel(ModelRef.parse("a/b"), " ", 0, 0, ModelCost.UNKNOWN, ""))
                .hasMessageContaining("name of a/b must not be blank");
        assertThatThrownBy(() -> new ModelCost(new BigDecimal("-1"), null, null, null))
                .hasMessageContaining("inputPerMillion is -1");
        assertThatThrownBy(() -> new CatalogProvider("open ai", "x", null, Map.of()))
                .hasMessageContaining("not a valid provider id");
    }

    @Test
    void providerDefaultModel() {
        CatalogProvider provider = new CatalogProvider("openrouter", "OpenRouter", "google/gemini-3-pro", Map.of());

        assertThat(provider.findDefaultModel()).contains(ModelRef.parse("openrouter/google/gemini-3-pro"));
        assertThat(ModelCost.UNKNOWN.isKnown()).isFalse();
    }

    @Test
    void toStringSummarises() {
        assertThat(snapshot().toString()).contains("providers=2", "models=3").doesNotContain("gpt-5.3-codex");
    }
}
