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

    private static TelemetryRecord numbered(int i) {
        return FallbackEvent.of("run-" + i, "task", RouteType.API_KEY, new ModelTransition(1,
                ModelRef.parse("openai/gpt-5.2"), ModelRef.parse("openai/gpt-5o"), ReasonCode.PROVIDER_5XX,
                ErrorClass.PROVIDER_5XX, Instant.parse("2026-11-22T00:00:00Z")));
    }

    /** A sink that keeps the run ids it got, in order. */
    private static final class Recording implements TelemetrySink {
        final String name;
        final List<String> got = new CopyOnWriteArrayList<>();

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void accept(TelemetryRecord record) {
            got.add(((FallbackEvent) record).runId());
        }
    }

    private static void awaitDelivered(TelemetryHub hub, TelemetrySink sink, long delivered) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (hub.stats(sink).delivered() < delivered) {
            assertThat(System.nanoTime()).as("waiting for " + delivered + " deliveries").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static List<String> runs(int from, int to) {
        return java.util.stream.IntStream.range(from, to).mapToObj(i -> "run-" + i).toList();
    }

    @Test
    void recordsPublishedBeforeTheExpectedSinksBindReachEachOfThemInOrderBeforeLaterOnes() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (TelemetryHub hub = new TelemetryHub(16, reports::add, java.util.Set.of("jsonl", "sqlite"),
                java.time.Duration.ofMinutes(1), System::nanoTime)) {
            for (int i = 0; i < 5; i++) {
                hub.publish(numbered(i)); // the scheduler's catch-up runs, before any sink is bound
            }
            assertThat(hub.absent()).containsEntry("jsonl", new TelemetryHub.Stats(5, 0, 0, 0))
                    .containsEntry("sqlite", new TelemetryHub.Stats(5, 0, 0, 0));
            Recording jsonl = new Recording("jsonl");
            hub.add(jsonl, "jsonl");
            hub.publish(numbered(5));
            Recording sqlite = new Recording("sqlite");
            hub.add(sqlite, "sqlite");
            hub.publish(numbered(6));
            awaitDelivered(hub, jsonl, 7);
            awaitDelivered(hub, sqlite, 7);
            assertThat(jsonl.got).isEqualTo(runs(0, 7));
            assertThat(sqlite.got).isEqualTo(runs(0, 7));
            assertThat(hub.stats(jsonl).dropped()).isZero();
            assertThat(hub.stats(sqlite).dropped()).isZero();
            assertThat(hub.absent()).isEmpty();
            assertThat(reports).isEmpty();
        }
    }

    @Test
    void whatIsHeldIsBoundedAndWhatDidNotFitIsCountedAsDroppedForTheSinkThatMissedIt() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (TelemetryHub hub = new TelemetryHub(4, reports::add, java.util.Set.of("jsonl"),
                java.time.Duration.ofMinutes(1), System::nanoTime)) {
            for (int i = 0; i < 10; i++) {
                hub.publish(numbered(i));
            }
            assertThat(hub.absent()).containsEntry("jsonl", new TelemetryHub.Stats(4, 0, 0, 6));
            Recording jsonl = new Recording("jsonl");
            hub.add(jsonl, "jsonl");
            awaitDelivered(hub, jsonl, 4);
            assertThat(jsonl.got).isEqualTo(runs(0, 4));
            assertThat(hub.stats(jsonl)).isEqualTo(new TelemetryHub.Stats(0, 4, 0, 6));
            assertThat(reports).hasSize(1).allMatch(r -> r.contains("jsonl") && r.contains("counted as dropped"));
        }
    }

    @Test
    void whenTheWaitEndsWhatWasHeldAndEveryLaterRecordAreCountedForTheSinkThatNeverCame() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        try (TelemetryHub hub = new TelemetryHub(16, reports::add, java.util.Set.of("jsonl", "sqlite"),
                java.time.Duration.ofSeconds(60), now::get)) {
            Recording jsonl = new Recording("jsonl");
            hub.add(jsonl, "jsonl");
            for (int i = 0; i < 3; i++) {
                hub.publish(numbered(i));
            }
            now.addAndGet(61_000_000_000L);
            hub.publish(numbered(3));
            assertThat(hub.absent()).isEqualTo(java.util.Map.of("sqlite", new TelemetryHub.Stats(0, 0, 0, 4)));
            assertThat(reports).hasSize(1).allMatch(r -> r.contains("sqlite") && r.contains("3 record(s)"));

            Recording sqlite = new Recording("sqlite");
            hub.add(sqlite, "sqlite");
            hub.publish(numbered(4));
            awaitDelivered(hub, sqlite, 1);
            awaitDelivered(hub, jsonl, 5);
            assertThat(sqlite.got).as("too late for the held records: they are counted instead").isEqualTo(runs(4, 5));
            assertThat(hub.stats(sqlite)).isEqualTo(new TelemetryHub.Stats(0, 1, 0, 4));
            assertThat(jsonl.got).isEqualTo(runs(0, 5));
        }
    }

    @Test
    void anExpectedSinkThatGoesAwayHasWhatItMissesCountedAndIsNotGivenTheHeldRecordsTwice() throws Exception {
        try (TelemetryHub hub = new TelemetryHub(16, message -> { }, java.util.Set.of("jsonl", "sqlite"),
                java.time.Duration.ofMinutes(1), System::nanoTime)) {
            hub.publish(numbered(0));
            Recording first = new Recording("jsonl");
            hub.add(first, "jsonl");
            awaitDelivered(hub, first, 1);
            hub.remove(first); // its bundle updated while sqlite is still awaited
            hub.publish(numbered(1));
            hub.publish(numbered(2));
            assertThat(hub.absent().get("jsonl").dropped()).isEqualTo(2);
            Recording second = new Recording("jsonl");
            hub.add(second, "jsonl");
            hub.publish(numbered(3));
            awaitDelivered(hub, second, 2);
            assertThat(second.got).isEqualTo(runs(3, 4));
            assertThat(hub.stats(second)).isEqualTo(new TelemetryHub.Stats(0, 2, 0, 2));

            Recording sqlite = new Recording("sqlite");
            hub.add(sqlite, "sqlite");
            awaitDelivered(hub, sqlite, 4);
            assertThat(sqlite.got).isEqualTo(runs(0, 4));
        }
    }

    @Test
    void expectedSinksComeFromTheDistributionsPropertiesWithTheShippedSinksAsDefault() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        assertThat(ExpectedSinks.of(name -> null, warnings::add))
                .isEqualTo(new ExpectedSinks(java.util.Set.of("jsonl", "sqlite"), java.time.Duration.ofSeconds(60)));
        java.util.Map<String, String> props = java.util.Map.of(ExpectedSinks.NAMES, " sqlite , ", ExpectedSinks.WAIT, "5");
        assertThat(ExpectedSinks.of(props::get, warnings::add))
                .isEqualTo(new ExpectedSinks(java.util.Set.of("sqlite"), java.time.Duration.ofSeconds(5)));
        assertThat(warnings).isEmpty();
        java.util.Map<String, String> bad = java.util.Map.of(ExpectedSinks.NAMES, "", ExpectedSinks.WAIT, "-1");
        assertThat(ExpectedSinks.of(bad::get, warnings::add))
                .isEqualTo(new ExpectedSinks(java.util.Set.of(), java.time.Duration.ofSeconds(60)));
        assertThat(warnings).singleElement().asString().contains(ExpectedSinks.WAIT, "'-1'", "0..3600");
    }
}
