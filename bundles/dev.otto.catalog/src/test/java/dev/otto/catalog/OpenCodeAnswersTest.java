package dev.otto.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.model.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads the real answers of OpenCode 1.18.33 and hand-made broken ones: what is kept, what is
 * refused with which path, and that a provider's key never leaves the parser.
 */
class OpenCodeAnswersTest {

    static final URI SOURCE = URI.create("http://127.0.0.1:4096");
    static final Instant FETCHED_AT = Instant.parse("2026-11-21T10:00:00Z");
    static final String CANARY = "sk-CANARY-7f3a9c0e41d2b8";

    static byte[] fixture(String name) {
        try (InputStream in = OpenCodeAnswersTest.class.getResourceAsStream("/opencode-1.18.33/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return name.endsWith(".gz") ? new GZIPInputStream(in).readAllBytes() : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] json(String text) {
        // Single quotes keep the Java literals readable.
        return text.replace('\'', '"').getBytes(UTF_8);
    }

    static final byte[] NO_MODEL = json("{}");

    static CatalogSnapshot snapshot(String providers) throws CatalogFetchException {
        return OpenCodeAnswers.snapshot(json(providers), NO_MODEL, null, SOURCE, FETCHED_AT);
    }

    /** A provider answer carrying a real-looking key in both places OpenCode puts one. */
    static String withCanary() {
        return "{'providers':[{'id':'openai','name':'OpenAI','source':'env','env':['OPENAI_API_KEY'],"
                + "'key':'" + CANARY + "','options':{'apiKey':'" + CANARY + "','headerTimeout':300000},"
                + "'models':{'gpt-5.2':{'id':'gpt-5.2','providerID':'openai','name':'GPT-5.2',"
                + "'headers':{'Authorization':'Bearer " + CANARY + "'},"
                + "'limit':{'context':400000,'output':128000},'cost':{'input':1.75,'output':14},"
                + "'status':'active'}}}],'default':{'openai':'gpt-5.2'}}";
    }

    @Test
    void noKeysAnswerGivesTheBuiltInProviderAndNoGlobalDefault() throws Exception {
        CatalogSnapshot snapshot = OpenCodeAnswers.snapshot(fixture("config-providers.no-keys.json"),
                fixture("config.no-model.json"), "1.18.33", SOURCE, FETCHED_AT);

        assertThat(snapshot.providers()).containsOnlyKeys("opencode");
        CatalogProvider opencode = snapshot.providers().get("opencode");
        assertThat(opencode.name()).isEqualTo("OpenCode Zen");
        assertThat(opencode.defaultModelId()).isEqualTo("big-pickle");
        assertThat(opencode.models()).hasSize(8);
        assertThat(snapshot.globalDefault()).isNull();
        assertThat(snapshot.opencodeVersion()).isEqualTo("1.18.33");
        assertThat(snapshot.fetchedAt()).isEqualTo(FETCHED_AT);
        assertThat(snapshot.source()).isEqualTo(SOURCE);
        assertThat(snapshot.snapshotId()).matches("s[0-9a-f]{12}");
    }

    @Test
    void openaiConnectedAnswerHasItsModelsAndTheGlobalDefault() throws Exception {
        CatalogSnapshot snapshot = OpenCodeAnswers.snapshot(fixture("config-providers.openai-connected.json"),
                fixture("config.model-set.json"), "1.18.33", SOURCE, FETCHED_AT);

        assertThat(snapshot.globalDefault()).isEqualTo(ModelRef.of("openai", "gpt-5.2"));
        CatalogProvider openai = snapshot.providers().get("openai");
        assertThat(openai.models()).hasSize(57);
        assertThat(openai.defaultModelId()).isEqualTo("gpt-5.6-terra-pro");
        assertThat(snapshot.isAvailable(ModelRef.parse("openai/gpt-5.3-codex"))).isTrue();
        assertThat(snapshot.isAvailable(ModelRef.parse("openai/gpt-5o"))).isFalse();
        assertThat(snapshot.isAvailable(snapshot.globalDefault())).isTrue();

        CatalogModel gpt52 = snapshot.find(ModelRef.parse("openai/gpt-5.2")).orElseThrow();
        assertThat(gpt52.name()).isEqualTo("GPT-5.2");
        assertThat(gpt52.contextLimit()).isEqualTo(400_000);
        assertThat(gpt52.outputLimit()).isEqualTo(128_000);
        assertThat(gpt52.cost()).isEqualTo(new ModelCost(
                new BigDecimal("1.75"), new BigDecimal("14"), new BigDecimal("0.175"), new BigDecimal("0")));
        assertThat(gpt52.status()).isEqualTo(CatalogModel.STATUS_ACTIVE);
    }

    @Test
    void providerListKeepsOnlyConnectedProvidersAndMatchesConfigProviders() throws Exception {
        CatalogSnapshot fromList = OpenCodeAnswers.snapshotFromProviderList(fixture("provider.all.json.gz"),
                fixture("config.no-model.json"), "1.18.33", SOURCE, FETCHED_AT);
        CatalogSnapshot fromConfig = OpenCodeAnswers.snapshot(fixture("config-providers.no-keys.json"),
                fixture("config.no-model.json"), "1.18.33", SOURCE, FETCHED_AT.plusSeconds(60));

        assertThat(fromList.providers()).containsOnlyKeys("opencode");
        // Same server state through two endpoints: same content, hence the same id.
        assertThat(fromList.providers()).isEqualTo(fromConfig.providers());
        assertThat(fromList.snapshotId()).isEqualTo(fromConfig.snapshotId());
    }

    @Test
    void wholeProviderListIndexesEveryModelIncludingIdsWithSlashes() throws Exception {
        CatalogSnapshot all = OpenCodeAnswers.snapshotOfAllProviders(fixture("provider.all.json.gz"),
                fixture("config.no-model.json"), null, SOURCE, FETCHED_AT);

        assertThat(all.providers()).hasSize(225);
        assertThat(all.modelCount()).isEqualTo(8218);
        ModelRef slashed = ModelRef.parse("openrouter/google/gemini-3-pro-image-preview");
        assertThat(slashed.modelId()).isEqualTo("google/gemini-3-pro-image-preview");
        assertThat(all.find(slashed)).hasValueSatisfying(m -> assertThat(m.ref()).isEqualTo(slashed));
        // The real catalog has names ending in a tab: kept readable on one line.
        assertThat(all.find(ModelRef.parse("novita-ai/deepseek/deepseek-r1-turbo")).orElseThrow().name())
                .isEqualTo("DeepSeek R1 (Turbo)");
    }

    @Test
    void openrouterStyleIdSurvivesParsing() throws Exception {
        CatalogSnapshot snapshot = snapshot("{'providers':[{'id':'openrouter','models':{"
                + "'google/gemini-3-pro':{'name':'Gemini 3 Pro'}}}],'default':{'openrouter':'google/gemini-3-pro'}}");

        ModelRef ref = ModelRef.parse("openrouter/google/gemini-3-pro");
        assertThat(snapshot.find(ref)).hasValueSatisfying(m -> assertThat(m.ref()).isEqualTo(ref));
        assertThat(snapshot.providers().get("openrouter").findDefaultModel()).contains(ref);
        assertThat(snapshot.providers().get("openrouter").name()).isEmpty();
    }

    @Test
    void keysNeverReachTheSnapshotOrItsCache() throws Exception {
        CatalogSnapshot snapshot = snapshot(withCanary());

        assertThat(snapshot.toString()).doesNotContain("CANARY");
        assertThat(snapshot.providers().toString()).doesNotContain("CANARY");
        assertThat(new String(CatalogCache.encode(snapshot), UTF_8)).doesNotContain("CANARY");
        assertThat(snapshot.find(ModelRef.parse("openai/gpt-5.2"))).isPresent();

        CatalogSnapshot real = OpenCodeAnswers.snapshot(fixture("config-providers.openai-connected.json"),
                fixture("config.model-set.json"), null, SOURCE, FETCHED_AT);
        assertThat(new String(CatalogCache.encode(real), UTF_8)).doesNotContain("sk-dummy").doesNotContain("apiKey");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        syntax error after the key   | {'providers':[{'key':'%s' oops}]}                         | $.providers[0].key: expected well-formed JSON
        key where a list belongs     | {'providers':'%s'}                                        | $.providers: expected an array of providers
        key as provider name         | {'providers':[{'id':'p','name':{'k':'%s'},'models':{}}]}  | $.providers[0].name: expected a string
        key as a limit               | {'providers':[{'id':'p','models':{'m':{'limit':{'context':'%s'}}}}]} | $.providers[0].models.m.limit.context: expected a whole number >= 0
        key as provider id           | {'providers':[{'id':'%s with space','models':{}}]}        | $.providers[0].id: expected a provider id (non-empty, no '/', whitespace or control characters)
        key as global default        | {'providers':[],'model':'%s'}                              | $.providers: expected an array of providers
        bare key token               | {'providers':[{'id':'p','key':%s}]}                        | $.providers[0].key: expected well-formed JSON
        truncated after the key      | {'providers':[{'id':'p','key':'%s'                         | $.providers[0].key: unexpected end of input, expected the rest of the JSON document
        """)
    void keysNeverReachAnExceptionMessage(String label, String template, String detail) {
        String body = template.replace("%s", CANARY);
        // The "global default" row puts the canary in /config instead, where it is a bad model reference.
        boolean inConfig = label.equals("key as global default");
        CatalogFetchException e = catchThrowableOfType(CatalogFetchException.class, () -> {
            if (inConfig) {
                OpenCodeAnswers.snapshot(json("{'providers':[]}"), json("{'model':'" + CANARY + "'}"), null, SOURCE,
                        FETCHED_AT);
            } else {
                snapshot(body);
            }
        });

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("CANARY").doesNotContain("7f3a9c");
        assertThat(e.getCause()).isNull();
        assertThat(e.failureCause()).isEqualTo(CatalogFetchException.Cause.INVALID_ANSWER);
        if (inConfig) {
            assertThat(e.getMessage()).contains("in /config at $.model: expected provider/model");
        } else {
            assertThat(e.getMessage()).contains("in /config/providers at " + detail);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        not JSON                  | <html>Bad gateway</html>                                                | $: expected well-formed JSON
        empty body                | ''                                                                      | $: expected a JSON object, found no content
        array instead of object   | [{'id':'openai'}]                                                       | $: expected a JSON object
        providers missing         | {'default':{}}                                                          | $.providers: missing, expected an array of providers
        providers not an array    | {'providers':{'openai':{}}}                                             | $.providers: expected an array of providers
        provider not an object    | {'providers':['openai']}                                                | $.providers[0]: expected a provider object
        provider id missing       | {'providers':[{'name':'X','models':{}}]}                                | $.providers[0].id: missing, expected a provider id
        provider id not a string  | {'providers':[{'id':7,'models':{}}]}                                    | $.providers[0].id: expected a string
        provider id with slash    | {'providers':[{'id':'open/ai','models':{}}]}                            | $.providers[0].id: expected a provider id (non-empty, no '/', whitespace or control characters)
        provider listed twice     | {'providers':[{'id':'a','models':{}},{'id':'a','models':{}}]}           | $.providers[1].id: expected a provider id not listed before
        models missing            | {'providers':[{'id':'a'}]}                                              | $.providers[0].models: missing, expected an object of models
        models not an object      | {'providers':[{'id':'a','models':[]}]}                                  | $.providers[0].models: expected an object of models by id
        model not an object       | {'providers':[{'id':'a','models':{'m':7}}]}                             | $.providers[0].models.m: expected a model object
        model id blank            | {'providers':[{'id':'a','models':{' ':{}}}]}                            | $.providers[0].models[" "]: expected a model id (non-empty, no control characters, no surrounding whitespace)
        model listed twice        | {'providers':[{'id':'a','models':{'m':{},'m':{}}}]}                     | $.providers[0].models.m: expected a model id not listed before in this object
        context is a string       | {'providers':[{'id':'a','models':{'gpt-5.2':{'limit':{'context':'400k'}}}}]} | $.providers[0].models["gpt-5.2"].limit.context: expected a whole number >= 0
        context is negative       | {'providers':[{'id':'a','models':{'m':{'limit':{'context':-1}}}}]}      | $.providers[0].models.m.limit.context: expected a whole number >= 0
        context has a fraction    | {'providers':[{'id':'a','models':{'m':{'limit':{'output':1.5}}}}]}      | $.providers[0].models.m.limit.output: expected a whole number >= 0
        context beyond 64 bits    | {'providers':[{'id':'a','models':{'m':{'limit':{'context':99999999999999999999}}}}]} | $.providers[0].models.m.limit.context: expected a whole number >= 0
        limit not an object       | {'providers':[{'id':'a','models':{'m':{'limit':5}}}]}                   | $.providers[0].models.m.limit: expected an object with context and output
        cost is a string          | {'providers':[{'id':'a','models':{'m':{'cost':{'input':'1.75'}}}}]}     | $.providers[0].models.m.cost.input: expected a number
        cost is negative          | {'providers':[{'id':'a','models':{'m':{'cost':{'cache':{'read':-0.5}}}}}]} | $.providers[0].models.m.cost.cache.read: expected a price >= 0
        cost is absurd            | {'providers':[{'id':'a','models':{'m':{'cost':{'output':1e999999999}}}}]} | $.providers[0].models.m.cost.output: expected a price below 10^12 with at most 30 decimals
        name not a string         | {'providers':[{'id':'a','models':{'m':{'name':['x']}}}]}                | $.providers[0].models.m.name: expected a string
        status with a space       | {'providers':[{'id':'a','models':{'m':{'status':'on hold'}}}]}          | $.providers[0].models.m.status: expected a status word such as active
        default not an object     | {'providers':[],'default':'openai'}                                     | $.default: expected an object of default model ids by provider id
        default not a model id    | {'providers':[],'default':{'openai':' gpt'}}                            | $.default.openai: expected a model id
        truncated JSON            | {'providers':[{'id':'a','models':{'m':{'name':'M'                       | $.providers[0].models.m.name: unexpected end of input, expected the rest of the JSON document
        trailing garbage          | {'providers':[]} {}                                                     | $: expected the end of the document after the root object
        """)
    void wrongShapesAreInvalidAnswersNamingThePath(String label, String body, String detail) {
        assertThatThrownBy(() -> snapshot(body.equals("''") ? "" : body))
                .isInstanceOfSatisfying(CatalogFetchException.class, e -> {
                    assertThat(e.failureCause()).isEqualTo(CatalogFetchException.Cause.INVALID_ANSWER);
                    assertThat(e.source()).isEqualTo(SOURCE);
                    assertThat(e.getCause()).isNull();
                })
                .hasMessage("catalog fetch from http://127.0.0.1:4096 failed: invalid answer"
                        + " (in /config/providers at " + detail + ")");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        all missing               | {'default':{},'connected':[]}                                      | $.all: missing, expected an array of providers
        connected missing         | {'all':[],'default':{}}                                            | $.connected: missing, expected an array of provider ids
        connected not an array    | {'all':[],'connected':'opencode'}                                  | $.connected: expected an array of provider ids
        connected holds a number  | {'all':[],'connected':[1]}                                         | $.connected[0]: expected a string
        connected names a stranger| {'all':[{'id':'a','models':{}}],'connected':['a','b']}             | $.connected[1]: expected the id of a provider listed in $.all
        unconnected is still read | {'all':[{'id':'a','models':{}},{'id':'b','models':5}],'connected':['a']} | $.all[1].models: expected an object of models by id
        """)
    void providerListShapesAreChecked(String label, String body, String detail) {
        assertThatThrownBy(() -> OpenCodeAnswers.snapshotFromProviderList(json(body), NO_MODEL, null, SOURCE,
                        FETCHED_AT))
                .isInstanceOf(CatalogFetchException.class)
                .hasMessageEndingWith("(in /provider at " + detail + ")");
    }

    @Test
    void missingOptionalPartsHaveDocumentedDefaults() throws Exception {
        CatalogSnapshot snapshot = snapshot("{'providers':[{'id':'a','models':{"
                + "'bare':{},"
                + "'nulls':{'name':null,'limit':null,'cost':null,'status':null},"
                + "'partial':{'name':'  Partial\\t','limit':{'context':8192},'cost':{'output':0.6,'cache':{'write':1}}},"
                + "'float':{'limit':{'context':128000.0,'output':4096}}}}]}");

        CatalogProvider a = snapshot.providers().get("a");
        assertThat(a.defaultModelId()).isNull();
        CatalogModel bare = a.models().get("bare");
        assertThat(bare).isEqualTo(new CatalogModel(ModelRef.of("a", "bare"), "bare", 0, 0, ModelCost.UNKNOWN, ""));
        assertThat(a.models().get("nulls")).isEqualTo(
                new CatalogModel(ModelRef.of("a", "nulls"), "nulls", 0, 0, ModelCost.UNKNOWN, ""));
        CatalogModel partial = a.models().get("partial");
        assertThat(partial.name()).isEqualTo("Partial");
        assertThat(partial.contextLimit()).isEqualTo(8192);
        assertThat(partial.outputLimit()).isZero();
        assertThat(partial.cost()).isEqualTo(new ModelCost(null, new BigDecimal("0.6"), null, new BigDecimal("1")));
        assertThat(a.models().get("float").contextLimit()).isEqualTo(128_000);
    }

    @Test
    void mapKeyWinsOverADifferentInnerId() throws Exception {
        CatalogSnapshot snapshot = snapshot("{'providers':[{'id':'a','models':{"
                + "'gpt-5.2':{'id':'gpt-5.2-2025-12-01','providerID':'elsewhere','name':'GPT'}}}]}");

        assertThat(snapshot.providers().get("a").models()).containsOnlyKeys("gpt-5.2");
        assertThat(snapshot.find(ModelRef.parse("a/gpt-5.2"))).isPresent();
    }

    @Test
    void unknownFieldsAreIgnoredWhereverTheyAre() throws Exception {
        CatalogSnapshot plain = snapshot("{'providers':[{'id':'a','name':'A','models':{'m':{'name':'M',"
                + "'limit':{'context':1,'output':2},'cost':{'input':3,'output':4},'status':'beta'}}}]}");
        CatalogSnapshot decorated = snapshot("{'future':{'deep':[1,{'x':null}]},'providers':[{'new':[true],"
                + "'models':{'m':{'status':'beta','cost':{'tiers':[{'input':9}],'output':4,'input':3,'extra':{}},"
                + "'limit':{'input':7,'output':2,'context':1},'name':'M','variants':{'a':{}}}},"
                + "'name':'A','id':'a'}],'default':{}}");

        assertThat(decorated.providers()).isEqualTo(plain.providers());
        assertThat(decorated.snapshotId()).isEqualTo(plain.snapshotId());
    }

    @Test
    void snapshotIdFollowsContentOnly() throws Exception {
        String answer = "{'providers':[{'id':'a','models':{'m':{'name':'M','cost':{'input':2.5}}}}]}";
        CatalogSnapshot first = snapshot(answer);
        CatalogSnapshot later = OpenCodeAnswers.snapshot(json(answer), NO_MODEL, "1.19.0",
                URI.create("http://127.0.0.1:5000"), FETCHED_AT.plusSeconds(86_400));
        CatalogSnapshot samePriceOtherScale = snapshot(answer.replace("2.5", "2.50"));
        CatalogSnapshot otherPrice = snapshot(answer.replace("2.5", "2.6"));
        CatalogSnapshot otherDefault = OpenCodeAnswers.snapshot(json(answer), json("{'model':'a/m'}"), null,
                SOURCE, FETCHED_AT);

        assertThat(later.snapshotId()).isEqualTo(first.snapshotId());
        assertThat(samePriceOtherScale.snapshotId()).isEqualTo(first.snapshotId());
        assertThat(otherPrice.snapshotId()).isNotEqualTo(first.snapshotId());
        assertThat(otherDefault.snapshotId()).isNotEqualTo(first.snapshotId());
        assertThat(OpenCodeAnswers.contentId(first.providers(), null)).isEqualTo(first.snapshotId());
    }

    @Test
    void globalDefaultMayNameAModelTheCatalogLacks() throws Exception {
        CatalogSnapshot snapshot = OpenCodeAnswers.snapshot(fixture("config-providers.no-keys.json"),
                json("{'model':'openai-codex/gpt-5.3-codex','small_model':42}"), null, SOURCE, FETCHED_AT);

        assertThat(snapshot.globalDefault()).isEqualTo(ModelRef.parse("openai-codex/gpt-5.3-codex"));
        assertThat(snapshot.isAvailable(snapshot.globalDefault())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        no slash          | {'model':'gpt-5.2'}        | $.model: expected provider/model, e.g. openai/gpt-5.2
        not a string      | {'model':{'id':'x'}}       | $.model: expected a string
        config not object | ['openai/gpt-5.2']         | $: expected a JSON object
        """)
    void malformedGlobalDefaultIsAnInvalidAnswer(String label, String config, String detail) {
        assertThatThrownBy(() -> OpenCodeAnswers.snapshot(fixture("config-providers.no-keys.json"), json(config),
                        null, SOURCE, FETCHED_AT))
                .isInstanceOf(CatalogFetchException.class)
                .hasMessageEndingWith("(in /config at " + detail + ")");
    }

    @Test
    void healthVersionIsReadAndChecked() throws Exception {
        assertThat(OpenCodeAnswers.healthVersion(json("{'healthy':true,'version':'1.18.33'}"), SOURCE))
                .isEqualTo("1.18.33");
        assertThat(OpenCodeAnswers.healthVersion(json("{'healthy':true}"))).isNull();
        assertThatThrownBy(() -> OpenCodeAnswers.healthVersion(json("{'version':1.18}"), SOURCE))
                .isInstanceOf(CatalogFetchException.class)
                .hasMessageEndingWith("(in /global/health at $.version: expected a string)");
        assertThatThrownBy(() -> OpenCodeAnswers.healthVersion(json("{'version':'1.18 " + CANARY + "'}"), SOURCE))
                .isInstanceOf(CatalogFetchException.class)
                .hasMessageEndingWith("(in /global/health at $.version: expected a version such as 1.18.33)")
                .message().doesNotContain("CANARY");
    }

    @Test
    void credentialsInTheSourceUrlAreDropped() throws Exception {
        CatalogSnapshot snapshot = OpenCodeAnswers.snapshot(json("{'providers':[]}"), NO_MODEL, null,
                URI.create("http://user:" + CANARY + "@127.0.0.1:4096/?token=" + CANARY), FETCHED_AT);

        assertThat(snapshot.source()).hasToString("http://127.0.0.1:4096/");
        assertThat(snapshot.providers()).isEmpty();
    }
}
