package dev.otto.router;

import static dev.otto.invoker.openai.FakeProvider.error;
import static dev.otto.invoker.openai.FakeProvider.reply;
import static dev.otto.invoker.openai.FakeProvider.success;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.config.FlowDefaults;
import dev.otto.api.config.RoutingSettings;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.classifier.DefaultFailureClassifier;
import dev.otto.invoker.openai.FakeProvider;
import dev.otto.invoker.openai.OpenAiInvoker;
import dev.otto.invoker.openai.TestSupport;

/**
 * Issue 8's matrix through the OpenAI-compatible invoker: the real {@link RoutingService} (built
 * outside OSGi, as its own tests do), the real {@link DefaultFailureClassifier} and the real
 * {@link OpenAiInvoker} against a loopback provider where model A answers 500, model B 429 and
 * model C answers.
 */
class OpenAiRoutingMatrixTest {

    private static final ModelRef A = ModelRef.parse("local/model-a");
    private static final ModelRef B = ModelRef.parse("local/model-b");
    private static final ModelRef C = ModelRef.parse("local/model-c");
    private static final ModelRef STALL = ModelRef.parse("local/model-stall");

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<TelemetryRecord> telemetry = Collections.synchronizedList(new ArrayList<>());
    private FakeProvider provider;
    private RoutingService router;

    @BeforeEach
    void setUp() throws IOException {
        provider = new FakeProvider().answering((model, exchange) -> {
            switch (model) {
                case "model-a":
                    reply(exchange, 500, error("server_error", null));
                    break;
                case "model-b":
                    reply(exchange, 429, error("requests", "rate_limit_exceeded"), "Retry-After", "20");
                    break;
                case "model-stall":
                    provider.stallAfterHeaders().answer(model, exchange);
                    break;
                default:
                    reply(exchange, 200, success("answer of " + model, model));
            }
        });
        router = new RoutingService();
        router.logger = TestSupport.logger(log);
        router.catalog = catalog(A, B, C, STALL);
        router.classifiers = List.of(Map.entry(Map.of("service.ranking", -100, "service.id", 1L), new DefaultFailureClassifier()));
        OpenAiInvoker invoker = new OpenAiInvoker(TestSupport.config(Map.of("baseUrl", provider.baseUrl(),
                "providers", new String[] { "local" }, "apiKeyEnv", "")), TestSupport.logger(log));
        router.invokers = List.of(Map.entry(Map.of("service.ranking", 0, "service.id", 2L), invoker));
        router.addSink(new TelemetrySink() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void accept(TelemetryRecord record) {
                telemetry.add(record);
            }
        }, Map.of("otto.plugin.name", "recording"));
    }

    @AfterEach
    void tearDown() {
        router.deactivate();
        provider.close();
    }

    private void chain(ModelRef... models) {
        router.configure(FlowDefaults.NONE, new RoutingSettings(List.of(models), Map.of(), 0, Duration.ofMinutes(1), Map.of()),
                "c000000000001");
    }

    @Test
    void a500ThenA429ThenAnAnswerReturnsCsAnswerWithTwoFallbacks() throws Exception {
        chain(A, B, C);
        long start = System.nanoTime();
        RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "task-1", "write a parser").withUserOverride(A));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(result.finalModel()).isEqualTo(C);
        assertThat(result.text()).isEqualTo("answer of model-c");
        assertThat(result.tokensIn()).isEqualTo(12);
        assertThat(result.tokensOut()).isEqualTo(5);
        assertThat(took).as("seconds, not minutes").isLessThan(Duration.ofSeconds(5));
        assertThat(provider.seen).extracting(FakeProvider.Seen::model).containsExactly("model-a", "model-b", "model-c");

        List<TelemetryRecord> records = await(3);
        List<FallbackEvent> fallbacks = records.stream().filter(FallbackEvent.class::isInstance).map(FallbackEvent.class::cast)
                .toList();
        assertThat(fallbacks).hasSize(2);
        assertThat(fallbacks.get(0).toWire()).containsEntry("event", "model_fallback").containsEntry("from", A.toString())
                .containsEntry("to", B.toString()).containsEntry("reason", "provider_5xx").containsEntry("error_class", "Provider5xx");
        assertThat(fallbacks.get(1).toWire()).containsEntry("from", B.toString()).containsEntry("to", C.toString())
                .containsEntry("reason", "capacity").containsEntry("error_class", "RateLimited");
        RunTelemetry run = records.stream().filter(RunTelemetry.class::isInstance).map(RunTelemetry.class::cast).findFirst()
                .orElseThrow();
        assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(run.finalModel()).isEqualTo(C);
        assertThat(run.transitions()).hasSize(2);
        assertThat(run.tokensIn()).isEqualTo(12);
        assertThat(run.tokensOut()).isEqualTo(5);
    }

    @Test
    void aModelThatNeverAnswersIsAbandonedAtTheAttemptDeadline() throws Exception {
        chain(STALL, C);
        long start = System.nanoTime();
        RunResult result = router.run(RunRequest.forTask(TaskType.CODING, "task-2", "write a parser").withUserOverride(STALL)
                .withDeadline(Duration.ofSeconds(4)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.finalModel()).isEqualTo(C);
        assertThat(result.attempts()).extracting(a -> a.reason()).containsExactly(ReasonCode.TIMEOUT, ReasonCode.NONE);
        assertThat(result.attempts().get(0).errorClass()).isEqualTo(ErrorClass.TIMEOUT_ERROR);
        assertThat(took).as("the first attempt gets half of the 4 s run").isBetween(Duration.ofMillis(1800), Duration.ofMillis(3500));
    }

    private List<TelemetryRecord> await(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (telemetry.size() < count) {
            assertThat(System.nanoTime() - deadline).as("telemetry records: " + telemetry).isNegative();
            Thread.sleep(5);
        }
        return List.copyOf(telemetry);
    }

    private static ModelCatalog catalog(ModelRef... models) {
        Map<String, CatalogModel> byId = new LinkedHashMap<>();
        for (ModelRef model : models) {
            byId.put(model.modelId(), new CatalogModel(model, model.modelId(), 128_000, 16_000, ModelCost.UNKNOWN, "active"));
        }
        CatalogSnapshot snapshot = new CatalogSnapshot("s000000000001", Instant.now(), URI.create("http://127.0.0.1:4096"),
                "1.18.33", Map.of("local", new CatalogProvider("local", "local", models[0].modelId(), byId)), models[0]);
        return new ModelCatalog() {
            @Override
            public CatalogSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public CatalogFreshness freshness() {
                return CatalogFreshness.of(snapshot, Duration.ofHours(24));
            }

            @Override
            public CatalogSnapshot refresh() {
                return snapshot;
            }
        };
    }
}
