package dev.otto.router.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.spi.Classification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The chain rule, the argument checks, and determinism over generated inputs. */
class OpenAiFirstFallbackPolicyTest {

    private static final RunRequest REQUEST = RunRequest.forTask(TaskType.CODING, "task-1", "write it");
    private static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    private static final ModelRef GPT52 = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef GPT5O = ModelRef.parse("openai/gpt-5o");
    private static final ModelRef CLAUDE = ModelRef.parse("anthropic/claude-sonnet-4-5");
    private static final ModelRef GEMINI = ModelRef.parse("openrouter/google/gemini-3-pro");

    private final OpenAiFirstFallbackPolicy policy = new OpenAiFirstFallbackPolicy();

    @Test
    void withoutAConfiguredChainTheChainIsOpenAiFirst() {
        assertThat(policy.fallbackChain(REQUEST, RoutingSettings.DEFAULTS)).containsExactly(CODEX, GPT52, GPT5O);
    }

    @Test
    void aConfiguredChainWinsWhole() {
        RoutingSettings settings = settings(List.of(CLAUDE, GEMINI));

        assertThat(policy.fallbackChain(REQUEST, settings)).containsExactly(CLAUDE, GEMINI);
    }

    @Test
    void aConfiguredChainLosesItsRepeatsButKeepsItsOrder() {
        RoutingSettings settings = settings(List.of(GEMINI, CLAUDE, GEMINI, GPT52, CLAUDE));

        assertThat(policy.fallbackChain(REQUEST, settings)).containsExactly(GEMINI, CLAUDE, GPT52);
    }

    @Test
    void theChainIsUnmodifiable() {
        List<ModelRef> chain = policy.fallbackChain(REQUEST, RoutingSettings.DEFAULTS);

        assertThatThrownBy(() -> chain.add(CLAUDE)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(policy.fallbackChain(REQUEST, RoutingSettings.DEFAULTS)).containsExactly(CODEX, GPT52, GPT5O);
    }

    @Test
    void callerBugsAreRejected() {
        Classification failure = new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR);

        assertThatThrownBy(() -> policy.shouldContinue(failure, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attemptNumber is 0");
        assertThatThrownBy(() -> policy.shouldContinue(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> policy.fallbackChain(null, RoutingSettings.DEFAULTS))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> policy.fallbackChain(REQUEST, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void invalidRequestStopsAndTimeoutContinues() {
        assertThat(policy.shouldContinue(new Classification(ReasonCode.CAPACITY, ErrorClass.INVALID_REQUEST), 1))
                .isFalse();
        assertThat(policy.shouldContinue(new Classification(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR), 1))
                .isTrue();
        assertThat(policy.shouldContinue(Classification.UNKNOWN, 2)).isTrue();
    }

    /**
     * Property: over 1,000 generated request/settings/failure cases, every decision is the same when
     * taken twice, on the same objects and on equal objects built independently, and by another
     * instance; the chain has no repeats, is the configured chain (deduplicated) or the default
     * one, and does not depend on the request.
     */
    @Test
    void decisionsArePureFunctionsOfTheirInputs() {
        long seed = 20261121L;
        Generator first = new Generator(seed);
        Generator second = new Generator(seed);
        OpenAiFirstFallbackPolicy other = new OpenAiFirstFallbackPolicy();
        int configured = 0;
        int stops = 0;
        for (int i = 0; i < 1_000; i++) {
            Case a = first.next();
            Case b = second.next();
            assertThat(a).as("case " + i + " regenerated").isEqualTo(b).isNotSameAs(b);

            List<ModelRef> chain = policy.fallbackChain(a.request(), a.settings());
            assertThat(policy.fallbackChain(a.request(), a.settings())).as("case " + i + " again").isEqualTo(chain);
            assertThat(other.fallbackChain(b.request(), b.settings())).as("case " + i + " equal inputs").isEqualTo(chain);
            assertThat(policy.fallbackChain(REQUEST, a.settings())).as("case " + i + " other request").isEqualTo(chain);
            assertThat(new LinkedHashSet<>(chain)).as("case " + i + " no repeats").hasSameSizeAs(chain);
            if (a.settings().fallbackChain().isEmpty()) {
                assertThat(chain).isEqualTo(OpenAiFirstFallbackPolicy.DEFAULT_CHAIN);
            } else {
                configured++;
                assertThat(chain).isEqualTo(List.copyOf(new LinkedHashSet<>(a.settings().fallbackChain())));
            }

            boolean decision = policy.shouldContinue(a.failure(), a.attempt());
            assertThat(policy.shouldContinue(a.failure(), a.attempt())).as("case " + i + " again").isEqualTo(decision);
            assertThat(other.shouldContinue(b.failure(), b.attempt())).as("case " + i + " equal inputs").isEqualTo(decision);
            assertThat(decision).isEqualTo(!a.failure().errorClass().equals(ErrorClass.INVALID_REQUEST));
            stops += decision ? 0 : 1;
        }
        // the generator must exercise both branches of both rules, or the property proves little
        assertThat(configured).isBetween(100, 900);
        assertThat(stops).isBetween(20, 500);
    }

    private static RoutingSettings settings(List<ModelRef> chain) {
        return new RoutingSettings(chain, Map.of(), 0, Duration.ofMinutes(10), Map.of());
    }

    private record Case(RunRequest request, RoutingSettings settings, Classification failure, int attempt) {
    }

    /** Seeded generator of cases; two generators with one seed give equal, separately built cases. */
    private static final class Generator {

        private static final String[] PROVIDERS = {"openai", "openai-codex", "anthropic", "openrouter", "stub"};
        private static final String[] MODELS = {"gpt-5.2", "gpt-5o", "gpt-5.3-codex", "claude-sonnet-4-5",
            "google/gemini-3-pro", "echo-1"};
        private static final String[] ERROR_CLASSES = {"TimeoutError", "Provider5xx", "ConnectionError",
            "RateLimited", "AuthError", "InvalidRequest", "ContextOverflow", "Unknown", "Overloaded",
            "QuotaExceeded", "ModelNotFound", "OutputLength", "ProviderRetrying", "ClientError",
            "MalformedResponse", "ContentFiltered", "NoInvoker", "SomethingNew"};

        private final Random random;

        Generator(long seed) {
            this.random = new Random(seed);
        }

        Case next() {
            return new Case(request(), settings(), failure(), 1 + random.nextInt(6));
        }

        private RunRequest request() {
            RunRequest request = random.nextBoolean()
                    ? RunRequest.forFlow(pick(Flow.values()), "task-" + random.nextInt(1000), "prompt " + random.nextInt())
                    : RunRequest.forTask(pick(TaskType.values()), "task-" + random.nextInt(1000), "prompt " + random.nextInt());
            if (random.nextBoolean()) {
                request = request.withJob(1 + random.nextInt(500), random.nextBoolean() ? model() : null);
            }
            if (random.nextInt(3) == 0) {
                request = request.withUserOverride(model());
            }
            if (random.nextBoolean()) {
                request = request.withRouteType(pick(RouteType.values()));
            }
            if (random.nextInt(4) == 0) {
                request = request.withDeadline(Duration.ofSeconds(1 + random.nextInt(900)));
            }
            return request;
        }

        private RoutingSettings settings() {
            List<ModelRef> chain = new ArrayList<>();
            // about half the cases have no configured chain
            int length = random.nextBoolean() ? 0 : 1 + random.nextInt(6);
            for (int i = 0; i < length; i++) {
                chain.add(model());
            }
            Map<TaskType, ModelRef> policies = new EnumMap<>(TaskType.class);
            for (TaskType type : TaskType.values()) {
                if (random.nextBoolean()) {
                    policies.put(type, model());
                }
            }
            Map<String, RouteType> routeTypes = new TreeMap<>();
            for (String provider : PROVIDERS) {
                if (random.nextInt(3) == 0) {
                    routeTypes.put(provider, pick(RouteType.values()));
                }
            }
            return new RoutingSettings(chain, policies, random.nextInt(5), Duration.ofSeconds(1 + random.nextInt(3600)),
                    routeTypes);
        }

        private Classification failure() {
            ReasonCode reason = pick(new ReasonCode[] {ReasonCode.TIMEOUT, ReasonCode.PROVIDER_5XX, ReasonCode.CAPACITY,
                ReasonCode.POLICY_OVERRIDE});
            return new Classification(reason, ErrorClass.of(pick(ERROR_CLASSES)));
        }

        private ModelRef model() {
            return ModelRef.of(pick(PROVIDERS), pick(MODELS));
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }
    }
}
