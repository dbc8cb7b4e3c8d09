package dev.otto.catalog;

import static dev.otto.catalog.OpenCodeSourceFaultTest.MAX_BYTES;
import static dev.otto.catalog.OpenCodeSourceFaultTest.TOTAL_TIMEOUT;
import static dev.otto.catalog.OpenCodeSourceFaultTest.URL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.opencode.OpenCodeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refreshes of the {@link Catalog} through its source: single-flight on demand, backoff when scheduled. */
class CatalogRefreshTest {

    static final Duration WAIT_LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();
    private final FakeConnection connection = new FakeConnection(URL);
    private final ExecutorService callers = Executors.newFixedThreadPool(2);
    private Catalog catalog;

    @AfterEach
    void stop() throws Exception {
        callers.shutdownNow();
        if (catalog != null) {
            catalog.deactivate();
        }
    }

    private Catalog start(Duration refreshInterval) throws Exception {
        CatalogSettings settings = new CatalogSettings(URL, refreshInterval, Duration.ofSeconds(1), TOTAL_TIMEOUT, MAX_BYTES);
        catalog = new Catalog();
        catalog.source = new OpenCodeSource(connection, settings, connection::url, Duration.ofSeconds(2));
        catalog.logger = log.logger;
        catalog.start(settings, dir.resolve("model-catalog-cache.json"), dir.resolve("config.jsonc"));
        return catalog;
    }

    /** Polls {@code condition} until it holds; fails after {@link #WAIT_LIMIT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + WAIT_LIMIT + " waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void twoConcurrentRefreshesShareOneFetch() throws Exception {
        start(Duration.ofHours(24));
        int before = connection.hits("/config/providers");
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        byte[] other = OpenCodeAnswersTest.fixture("config-providers.no-keys.json");
        connection.answer("/config/providers", (c, path) -> {
            arrived.countDown();
            release.await(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            return other;
        });

        Future<CatalogSnapshot> first = callers.submit(catalog::refresh);
        assertThat(arrived.await(WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the first fetch reached the connection").isTrue();
        AtomicReference<Thread> second = new AtomicReference<>();
        Future<CatalogSnapshot> joining = callers.submit(() -> {
            second.set(Thread.currentThread());
            return catalog.refresh();
        });
        // the second caller is parked waiting for the first one's fetch, not fetching on its own
        await("the second caller waits on the refresh under way", () -> second.get() != null
                && second.get().getState() == Thread.State.WAITING
                && Arrays.stream(second.get().getStackTrace()).anyMatch(frame ->
                        frame.getClassName().equals("java.util.concurrent.CompletableFuture")
                                && frame.getMethodName().equals("join")));
        release.countDown();

        CatalogSnapshot a = first.get(WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
        CatalogSnapshot b = joining.get(WAIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(a).isSameAs(b).isSameAs(catalog.snapshot());
        assertThat(a.providers()).containsOnlyKeys("opencode"); // the answer given during the refresh
        assertThat(connection.hits("/config/providers")).isEqualTo(before + 1);

        // single-flight is not a cache: the next refresh fetches again
        connection.answer("/config/providers", FakeConnection.ok(FakeConnection.PROVIDERS));
        assertThat(catalog.refresh().providers()).containsKey("openai");
        assertThat(connection.hits("/config/providers")).isEqualTo(before + 2);
    }

    @Test
    void scheduledRefreshRetriesWithBackoffAndRecovers() throws Exception {
        // shorter than the backoff base of 30 s: the backoff must still work, capped by the interval
        start(Duration.ofSeconds(1));
        CatalogSnapshot good = catalog.snapshot();
        connection.answer("/config/providers", FakeConnection.failure(OpenCodeException.Cause.HTTP_ERROR, 500));

        // the failure is counted before its warning is logged: wait for both
        await("two scheduled refreshes failed in a row, each with its warning",
                () -> catalog.freshness().consecutiveFailures() >= 2 && log.at("WARN").size() >= 2);
        assertThat(catalog.snapshot()).isSameAs(good);
        assertThat(log.at("WARN")).hasSizeGreaterThanOrEqualTo(2).allSatisfy(line -> assertThat(line.message())
                .contains("model catalog refresh failed", "HTTP 500 from /config/providers", "next try in"));

        connection.answer("/config/providers", FakeConnection.ok(OpenCodeAnswersTest.fixture("config-providers.no-keys.json")));
        await("a scheduled refresh succeeded again", () -> catalog.freshness().consecutiveFailures() == 0);
        assertThat(catalog.snapshot().snapshotId()).isNotEqualTo(good.snapshotId());
        assertThat(catalog.freshness().lastError()).isNull();
        assertThat(log.at("ERROR")).isEmpty();
    }
}
