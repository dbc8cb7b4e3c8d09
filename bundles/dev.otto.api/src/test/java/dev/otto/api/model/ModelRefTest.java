package dev.otto.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRefTest {

    @Test
    void parseSplitsAtTheFirstSlash() {
        ModelRef ref = ModelRef.parse("openrouter/google/gemini-3-pro");

        assertThat(ref.providerId()).isEqualTo("openrouter");
        assertThat(ref.modelId()).isEqualTo("google/gemini-3-pro");
        assertThat(ref).hasToString("openrouter/google/gemini-3-pro");
    }

    @Test
    void parseAndToStringRoundTrip() {
        for (String text : List.of("openai/gpt-5.2", "openai-codex/gpt-5.3-codex", "a/b", "x/y/z/", "p/model with space")) {
            assertThat(ModelRef.parse(text).toString()).isEqualTo(text);
            assertThat(ModelRef.parse(text)).isEqualTo(ModelRef.parse(text));
        }
    }

    @Test
    void parseRejectsMalformedReferencesWithTheExpectedForm() {
        List<String> bad = List.of("", "   ", "openai", "/gpt-5.2", "openai/", " openai/gpt-5.2", "openai/gpt-5.2 ",
                "open ai/gpt-5.2", "open\tai/gpt", "op\u0000en/gpt", "openai/gpt\n5", "openai/ gpt", "/");
        for (String text : bad) {
            assertThatThrownBy(() -> ModelRef.parse(text))
                    .as("input %s", text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid model reference ")
                    .hasMessageEndingWith("expected provider/model, e.g. openai/gpt-5.2");
            assertThat(ModelRef.isValid(text)).as("input %s", text).isFalse();
        }
    }

    @Test
    void parseMessagesQuoteTheInputAndSayWhatIsWrong() {
        assertThatThrownBy(() -> ModelRef.parse("openai"))
                .hasMessage("invalid model reference \"openai\": it has no '/' between provider and model;"
                        + " expected provider/model, e.g. openai/gpt-5.2");
        assertThatThrownBy(() -> ModelRef.parse("openai/")).hasMessageContaining("the model part is empty");
        assertThatThrownBy(() -> ModelRef.parse("/gpt")).hasMessageContaining("the provider part is empty");
        assertThatThrownBy(() -> ModelRef.parse("open ai/gpt")).hasMessageContaining("provider id contains whitespace");
        assertThatThrownBy(() -> ModelRef.parse("a\nb/c")).hasMessageContaining("\\u000a").hasMessageNotContaining("\n");
    }

    @Test
    void parseRejectsNull() {
        assertThatThrownBy(() -> ModelRef.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected provider/model");
        assertThatThrownBy(() -> new ModelRef(null, "x")).isInstanceOf(NullPointerException.class)
                .hasMessage("providerId must not be null");
    }

    @Test
    void constructorValidatesLikeParse() {
        assertThatThrownBy(() -> new ModelRef("open/ai", "x")).hasMessageContaining("provider id contains '/'");
        assertThatThrownBy(() -> new ModelRef("openai", "")).hasMessageContaining("model part is empty");
        assertThat(new ModelRef("openrouter", "google/gemini-3-pro")).isEqualTo(ModelRef.parse("openrouter/google/gemini-3-pro"));
    }

    @Test
    void ordersByProviderThenModel() {
        List<ModelRef> refs = new ArrayList<>(List.of(ModelRef.parse("openai/gpt-5.2"), ModelRef.parse("anthropic/z"),
                ModelRef.parse("openai/gpt-5"), ModelRef.parse("openai-codex/a")));
        Collections.sort(refs);

        assertThat(refs).extracting(ModelRef::toString)
                .containsExactly("anthropic/z", "openai/gpt-5", "openai/gpt-5.2", "openai-codex/a");
    }

    @Test
    void providerIdCheck() {
        assertThat(ModelRef.isValidProviderId("openai-codex")).isTrue();
        assertThat(ModelRef.isValidProviderId("open ai")).isFalse();
        assertThat(ModelRef.isValidProviderId("a/b")).isFalse();
        assertThat(ModelRef.isValidProviderId("")).isFalse();
        assertThat(ModelRef.isValidProviderId(null)).isFalse();
        assertThatThrownBy(() -> ModelRef.requireProviderId("a b", "routeTypes key"))
                .hasMessageStartingWith("routeTypes key \"a b\" is not a valid provider id");
    }
}
