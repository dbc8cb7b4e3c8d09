package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.model.RouteType;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.TelemetryRecord;

class TelemetryHubTest {

    private static TelemetrySink throwing(String name) {
        return new TelemetrySink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void accept(TelemetryRecord record) {
                throw new IllegalStateException("disk full");
            }
        };
    }

    private static void await(TelemetryHub hub, TelemetrySink sink, long failed) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (hub.stats(sink).failed() < failed) {
            assertThat(System.nanoTime()).as("waiting for " + failed + " failures").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aSinkThatGoesAndComesBackKeepsItsCountsSoItsLossesStayVisible() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (TelemetryHub hub = new TelemetryHub(16, reports::add)) {
            TelemetrySink first = throwing("jsonl");
            hub.add(first, "jsonl");
            TelemetryRecord record = FallbackEvent.of("run-1", "task-1", RouteType.API_KEY, new ModelTransition(1,
                    ModelRef.parse("openai/gpt-5.2"), ModelRef.parse("openai/gpt-5o"), ReasonCode.PROVIDER_5XX,
                    ErrorClass.PROVIDER_5XX, Instant.parse("2026-11-22T00:00:00Z")));
            for (int i = 0; i < 5; i++) {
                hub.publish(record);
            }
            await(hub, first, 5);
            hub.remove(first);

            // the sink's bundle updated: a new instance under the same plugin name
            TelemetrySink second = throwing("jsonl");
            hub.add(second, "jsonl");
            assertThat(hub.stats(second).failed()).as("the failures before the update").isEqualTo(5);
            hub.publish(record);
            await(hub, second, 6);
            assertThat(hub.stats(second)).isEqualTo(new TelemetryHub.Stats(0, 0, 6, 0));

            TelemetrySink other = throwing("sqlite");
            hub.add(other, "sqlite");
            assertThat(hub.stats(other).failed()).as("another sink starts from nothing").isZero();
        }
    }

    @Test
    void recordsPublishedInBurstsAndPausesFromManyThreadsAllArriveInEachThreadsOrder() throws Exception {
        int threads = 4;
        int each = 20_000;
        java.util.Map<String, List<Integer>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        TelemetrySink recording = new TelemetrySink() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void accept(TelemetryRecord record) {
                FallbackEvent event = (FallbackEvent) record;
                seen.computeIfAbsent(event.taskId(), k -> new java.util.ArrayList<>())
                        .add(Integer.parseInt(event.runId().substring("run-".length())));
            }
        };
        ModelTransition step = new ModelTransition(1, ModelRef.parse("openai/gpt-5.2"), ModelRef.parse("openai/gpt-5o"),
                ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX, Instant.parse("2026-11-22T00:00:00Z"));
        // a queue that holds everything: the test is about wake-ups and order, not about overflow
        try (TelemetryHub hub = new TelemetryHub(threads * each, message -> { })) {
            hub.add(recording, "recording");
            List<Thread> publishers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String task = "task-" + t;
                Thread publisher = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        hub.publish(FallbackEvent.of("run-" + i, task, RouteType.API_KEY, step));
                        if (i % 2_000 == 1_999) {
                            // long enough for the sink's thread to finish its nap and go to sleep
                            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                        }
                    }
                });
                publishers.add(publisher);
                publisher.start();
            }
            for (Thread publisher : publishers) {
                publisher.join();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (hub.stats(recording).delivered() < (long) threads * each) {
                assertThat(System.nanoTime()).as("waiting for every record").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(hub.stats(recording)).isEqualTo(new TelemetryHub.Stats(0, (long) threads * each, 0, 0));
            assertThat(seen).hasSize(threads);
            List<Integer> expected = java.util.stream.IntStream.range(0, each).boxed().toList();
            seen.values().forEach(order -> assertThat(order).isEqualTo(expected));
        }
    }
}
