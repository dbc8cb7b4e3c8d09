package dev.otto.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.classifier.DefaultFailureClassifier;
import dev.otto.router.policy.OpenAiFirstFallbackPolicy;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.log.Logger;

/**
 * A {@link RoutingService} wired as in the distribution, without OSGi: the shipped default
 * classifier and OpenAI-first fallback policy, a fixed in-memory catalog, a silent logger, and an
 * invoker that answers or throws at once from pre-built objects (no I/O anywhere).
 */
final class BenchRouters {

    static final ModelRef CODEX = ModelRef.parse("openai-codex/gpt-5.3-codex");
    static final ModelRef GPT_52 = ModelRef.parse("openai/gpt-5.2");
    static final ModelRef GPT_5O = ModelRef.parse("openai/gpt-5o");
    static final ModelRef GLOBAL_DEFAULT = GPT_52;

    /** The chain of the shipped policy, also configured: the plan of every run is CODEX, GPT_52, GPT_5O. */
    static final List<ModelRef> CHAIN = List.of(CODEX, GPT_52, GPT_5O);

    /** Flow defaults as an operator would set them: heartbeat and scheduled tasks on codex. */
    static final Map<Flow, ModelRef> FLOW_DEFAULTS = Map.of(Flow.HEARTBEAT, CODEX, Flow.SCHEDULED_TASKS, CODEX,
            Flow.INTERACTIVE_ASSISTANT, GPT_52);

    static final RoutingSettings ROUTING = new RoutingSettings(CHAIN, Map.of(TaskType.CODING, CODEX), 0,
            Duration.ofMinutes(10), Map.of("openai-codex", RouteType.SUBSCRIPTION, "openai", RouteType.API_KEY));

    /** Pre-built failures and answers: what a real invoker would have built is not measured. */
    static final InvocationFailure HTTP_500 = InvocationFailure.http(500, null);
    static final InvocationFailure HTTP_429 = InvocationFailure.http(429, Duration.ofSeconds(7));
    static final InvocationResult ANSWER = new InvocationResult("pong", 1_200, 80, GPT_5O);

    private BenchRouters() {
    }

    /** A router with the shipped plugins, the benchmark configuration and this invoker, but no sink. */
    static RoutingService router(ModelInvoker invoker) {
        RoutingService router = new RoutingService(catalog(snapshot()), silentLogger(), java.time.Clock.systemUTC(),
                new RoutingService.Settings(new FlowDefaults(FLOW_DEFAULTS), ROUTING, "c000000000001"));
        router.addClassifier(new DefaultFailureClassifier(), plugin(DefaultFailureClassifier.NAME, 1L));
        router.setPolicy(new OpenAiFirstFallbackPolicy(), plugin(OpenAiFirstFallbackPolicy.NAME, 2L));
        router.addInvoker(invoker, plugin("bench", 3L));
        return router;
    }

    static void addSink(RoutingService router, TelemetrySink sink) {
        router.addSink(sink, Map.of(PluginProperties.NAME, sink.name(), "service.id", 4L));
    }

    private static Map<String, Object> plugin(String name, long serviceId) {
        return Map.of(PluginProperties.NAME, name, "service.ranking", PluginProperties.DEFAULT_RANKING,
                "service.id", serviceId);
    }

    /** Answers every model at once with {@link #ANSWER}. */
    static ModelInvoker answering() {
        return new ModelInvoker() {
            @Override
            public String name() {
                return "answering";
            }

            @Override
            public boolean supports(ModelRef model) {
                return true;
            }

            @Override
            public InvocationResult invoke(Invocation invocation) {
                return ANSWER;
            }
        };
    }

    /** Codex fails with a 500, gpt-5.2 with a 429, gpt-5o answers: two fallbacks, then success. */
    static ModelInvoker failingTwice() {
        return new ModelInvoker() {
            @Override
            public String name() {
                return "failing-twice";
            }

            @Override
            public boolean supports(ModelRef model) {
                return true;
            }

            @Override
            public InvocationResult invoke(Invocation invocation) throws InvocationFailure {
                switch (invocation.attempt()) {
                    case 1:
                        throw HTTP_500;
                    case 2:
                        throw HTTP_429;
                    default:
                        return ANSWER;
                }
            }
        };
    }

    /** Serialises each record's wire form with Jackson, as a JSONL sink would, and keeps only the size. */
    static final class JacksonSink implements TelemetrySink {
        private final ObjectMapper mapper;
        final AtomicLong delivered = new AtomicLong();
        volatile long bytes;
        volatile TelemetryRecord last;

        JacksonSink(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public String name() {
            return "jackson";
        }

        /** Exactly what the sink does with one record; the yardstick calls it too. */
        byte[] serialise(TelemetryRecord record) {
            try {
                return mapper.writeValueAsBytes(record.toWire());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a wire map did not serialise", e);
            }
        }

        @Override
        public void accept(TelemetryRecord record) {
            byte[] json = serialise(record);
            bytes += json.length; // one writer thread per sink: no lost update
            last = record;
            delivered.incrementAndGet();
        }
    }

    /** Takes every record and does nothing with it: the hand-off alone. */
    static final class DiscardSink implements TelemetrySink {
        final AtomicLong delivered = new AtomicLong();

        @Override
        public String name() {
            return "discard";
        }

        @Override
        public void accept(TelemetryRecord record) {
            delivered.incrementAndGet();
        }
    }

    static CatalogSnapshot snapshot() {
        List<String> models = List.of("openai-codex/gpt-5.3-codex", "openai-codex/gpt-5.1-codex-mini", "openai/gpt-5.2",
                "openai/gpt-5o", "openai/gpt-5.4-mini", "anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5");
        Map<String, Map<String, CatalogModel>> byProvider = new TreeMap<>();
        for (String model : models) {
            ModelRef ref = ModelRef.parse(model);
            byProvider.computeIfAbsent(ref.providerId(), p -> new LinkedHashMap<>())
                    .put(ref.modelId(), new CatalogModel(ref, ref.modelId(), 400_000, 128_000, ModelCost.UNKNOWN, "active"));
        }
        Map<String, CatalogProvider> providers = new TreeMap<>();
        byProvider.forEach((id, map) -> providers.put(id, new CatalogProvider(id, id, map.keySet().iterator().next(), map)));
        return new CatalogSnapshot("s000000000001", Instant.now(), URI.create("http://127.0.0.1:4096"), "1.18.33",
                providers, GLOBAL_DEFAULT);
    }

    static ModelCatalog catalog(CatalogSnapshot snapshot) {
        CatalogFreshness freshness = CatalogFreshness.of(snapshot, Duration.ofHours(24));
        return new ModelCatalog() {
            @Override
            public CatalogSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public CatalogFreshness freshness() {
                return freshness;
            }

            @Override
            public CatalogSnapshot refresh() {
                return snapshot;
            }
        };
    }

    /** A Logger that drops everything; the measured paths never log. */
    static Logger silentLogger() {
        return (Logger) Proxy.newProxyInstance(BenchRouters.class.getClassLoader(), new Class<?>[] { Logger.class },
                (proxy, method, args) -> {
                    if (method.getReturnType() == boolean.class) {
                        return false;
                    }
                    return method.getName().equals("getName") ? "bench" : null;
                });
    }
}
