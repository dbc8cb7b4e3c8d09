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
            assertThat(hub.hasSinks()).isFalse();

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
}
