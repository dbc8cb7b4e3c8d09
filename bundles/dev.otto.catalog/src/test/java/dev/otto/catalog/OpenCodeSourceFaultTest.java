package dev.otto.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogFetchException.Cause;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.opencode.OpenCodeException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fetch path ({@link OpenCodeSource} over an {@link dev.otto.api.opencode.OpenCodeConnection})
 * with one fault at a time on {@code /config/providers}: each fault has its own {@link Cause} and
 * message, and through the {@link Catalog} a failed refresh changes nothing but the freshness and
 * one warning. How the connection itself meets refused ports, stalls, 401s and oversized bodies is
 * tested in dev.otto.opencode (OpenCodeHttpTest).
 */
class OpenCodeSourceFaultTest {

    static final URI URL = URI.create("http://127.0.0.1:4096");
    static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(3);
    static final long MAX_BYTES = 512 * 1024; // the real openai-connected answer is 221 KB

    /** One fault on {@code /config/providers}, the cause it must give and the detail of its message. */
    enum Fault {
        REFUSED(Cause.REFUSED, null),
        TIMED_OUT(Cause.TIMED_OUT, "GET /config/providers"),
        UNAUTHORIZED(Cause.UNAUTHORIZED, "HTTP 401 from /config/providers; " + OpenCodeException.Cause.UNAUTHORIZED.advice()),
        FORBIDDEN(Cause.UNAUTHORIZED, "HTTP 403 from /config/providers; " + OpenCodeException.Cause.UNAUTHORIZED.advice()),
        NOT_FOUND(Cause.HTTP_ERROR, "HTTP 404 from /config/providers"),
        SERVER_ERROR(Cause.HTTP_ERROR, "HTTP 500 from /config/providers"),
        TOO_LARGE(Cause.TOO_LARGE, "/config/providers answered more than " + MAX_BYTES + " bytes"),
        IO(Cause.IO, "GET /config/providers"),
        TRUNCATED_JSON(Cause.INVALID_ANSWER, "in /config/providers at $.providers[0].models[\"gpt-5.6-luna-pro\"].api.npm:"
                + " unexpected end of input, expected the rest of the JSON document"),
        WRONG_SHAPE(Cause.INVALID_ANSWER, "in /config/providers at $.providers: missing, expected an array of providers");

        final Cause cause;
        final String detail;

        Fault(Cause cause, String detail) {
            this.cause = cause;
            this.detail = detail;
        }

        void inject(FakeConnection connection) {
            String path = "/config/providers";
            switch (this) {
                case REFUSED -> connection.failAll(OpenCodeException.Cause.REFUSED);
                case TIMED_OUT -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.TIMED_OUT, 0));
                case UNAUTHORIZED -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.UNAUTHORIZED, 401));
                case FORBIDDEN -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.UNAUTHORIZED, 403));
                case NOT_FOUND -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.HTTP_ERROR, 404));
                case SERVER_ERROR -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.HTTP_ERROR, 500));
                case TOO_LARGE -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.TOO_LARGE, 0));
                case IO -> connection.answer(path, FakeConnection.failure(OpenCodeException.Cause.IO, 0));
                case TRUNCATED_JSON -> connection.answer(path, FakeConnection.ok(
                        Arrays.copyOf(FakeConnection.PROVIDERS, FakeConnection.PROVIDERS.length / 2)));
                // valid JSON, but the answer of another endpoint
                case WRONG_SHAPE -> connection.answer(path, FakeConnection.ok(FakeConnection.CONFIG));
                default -> throw new AssertionError(this);
            }
        }

        String message(URI url) {
            return "catalog fetch from " + url + " failed: " + cause.description() + (detail == null ? "" : " (" + detail + ")");
        }
    }

    @TempDir
    Path dir;

    private final RecordingLogger log = new RecordingLogger();
    private final List<Catalog> catalogs = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (Catalog catalog : catalogs) {
            catalog.deactivate();
        }
    }

    static CatalogSettings settings(URI url) {
        return new CatalogSettings(url, Duration.ofHours(24), Duration.ofSeconds(1), TOTAL_TIMEOUT, MAX_BYTES);
    }

    /** A source whose configured URL is the connection's (no edit under way). */
    static OpenCodeSource source(FakeConnection connection) {
        return new OpenCodeSource(connection, settings(connection.url()), connection::url, Duration.ofSeconds(2));
    }

    private Catalog catalog(OpenCodeSource source) {
        Catalog catalog = new Catalog();
        catalog.source = source;
        catalog.logger = log.logger;
        catalogs.add(catalog);
        return catalog;
    }

    private Path cacheFile() {
        return dir.resolve("data").resolve("model-catalog-cache.json");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void eachFaultFailsTheFetchWithItsOwnCauseAndMessage(Fault fault) throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        OpenCodeSource source = source(connection);
        assertThat(source.fetch().providers()).containsKey("openai"); // the good path works first

        fault.inject(connection);
        CatalogFetchException e = catchThrowableOfType(source::fetch, CatalogFetchException.class);

        assertThat(e).as("fetch after %s", fault).isNotNull();
        assertThat(e.failureCause()).isEqualTo(fault.cause);
        assertThat(e.getMessage()).isEqualTo(fault.message(URL));
        assertThat(e.source()).isEqualTo(URL);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void failedRefreshKeepsTheLastGoodCatalogAndCacheAndLogsOneWarning(Fault fault) throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        Catalog catalog = catalog(source(connection));
        catalog.start(settings(URL), cacheFile(), dir.resolve("config.jsonc"));
        CatalogSnapshot good = catalog.snapshot();
        CatalogFreshness goodFreshness = catalog.freshness();
        byte[] cached = Files.readAllBytes(cacheFile());
        assertThat(CatalogCache.decode(cached)).isEqualTo(good);
        log.clear();

        fault.inject(connection);
        CatalogFetchException e = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);

        assertThat(e).as("refresh after %s", fault).isNotNull();
        assertThat(e.failureCause()).isEqualTo(fault.cause);
        assertThat(e.getMessage()).isEqualTo(fault.message(URL));
        assertThat(catalog.snapshot()).isSameAs(good);
        assertThat(Files.readAllBytes(cacheFile())).isEqualTo(cached);
        try (Stream<Path> files = Files.list(cacheFile().getParent())) {
            assertThat(files).containsExactly(cacheFile()); // no temp file, nothing moved aside
        }
        CatalogFreshness freshness = catalog.freshness();
        assertThat(freshness.consecutiveFailures()).isEqualTo(1);
        assertThat(freshness.lastError()).isEqualTo(e.getMessage());
        assertThat(freshness.snapshotId()).isEqualTo(good.snapshotId());
        assertThat(freshness.fetchedAt()).isEqualTo(goodFreshness.fetchedAt());
        assertThat(freshness.lastAttempt()).isAfterOrEqualTo(goodFreshness.lastAttempt());
        assertThat(log.at("WARN")).singleElement().satisfies(line -> assertThat(line.message())
                .contains("model catalog refresh failed", e.getMessage(), good.snapshotId()));
        assertThat(log.at("ERROR")).isEmpty();
    }

    @Test
    void failuresCountUpUntilARefreshSucceedsAgain() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        Catalog catalog = catalog(source(connection));
        catalog.start(settings(URL), cacheFile(), dir.resolve("config.jsonc"));
        CatalogSnapshot good = catalog.snapshot();

        connection.answer("/config/providers", FakeConnection.failure(OpenCodeException.Cause.HTTP_ERROR, 500));
        catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
        CatalogFetchException second = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
        assertThat(catalog.freshness().consecutiveFailures()).isEqualTo(2);
        assertThat(catalog.freshness().lastError()).isEqualTo(second.getMessage());

        // the other real answer: a different catalog
        connection.answer("/config/providers", FakeConnection.ok(OpenCodeAnswersTest.fixture("config-providers.no-keys.json")));
        CatalogSnapshot fresh = catalog.refresh();

        assertThat(fresh.snapshotId()).isNotEqualTo(good.snapshotId());
        assertThat(catalog.snapshot()).isSameAs(fresh);
        assertThat(catalog.freshness()).isEqualTo(CatalogFreshness.of(fresh, Duration.ofHours(24)));
        assertThat(CatalogCache.decode(Files.readAllBytes(cacheFile()))).isEqualTo(fresh);
    }

    @Test
    void oneFetchIsThreeRequestsUnderOneDeadlineEachCappedAtMaxResponseBytes() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        Instant before = Instant.now();

        CatalogSnapshot snapshot = source(connection).fetch();

        Instant after = Instant.now();
        assertThat(connection.calls()).extracting(FakeConnection.Call::path)
                .containsExactly("/global/health", "/config/providers", "/config");
        assertThat(connection.calls()).extracting(FakeConnection.Call::maxBytes).containsOnly(MAX_BYTES);
        Instant deadline = connection.calls().get(0).deadline();
        assertThat(connection.calls()).extracting(FakeConnection.Call::deadline).containsOnly(deadline);
        assertThat(deadline).isBetween(before.plus(TOTAL_TIMEOUT), after.plus(TOTAL_TIMEOUT));
        assertThat(snapshot.source()).isEqualTo(URL);
        assertThat(snapshot.opencodeVersion()).isEqualTo("1.18.33");
    }

    @Test
    void anOlderServerWithoutTheHealthEndpointIsStillASource() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        connection.answer("/global/health", FakeConnection.failure(OpenCodeException.Cause.HTTP_ERROR, 404));

        CatalogSnapshot snapshot = source(connection).fetch();

        assertThat(snapshot.opencodeVersion()).isNull();
        assertThat(snapshot.providers()).containsKey("openai");
    }

    @Test
    void aUrlEditWaitsUntilTheConnectionHasMovedAndFetchesFromTheNewServer() throws Exception {
        URI moved = URI.create("http://127.0.0.1:4097");
        FakeConnection connection = new FakeConnection(URL);
        // Config Admin already holds the new URL; the connection has not been told yet
        OpenCodeSource source = new OpenCodeSource(connection, settings(URL), () -> moved, Duration.ofSeconds(20));

        CompletableFuture<CatalogSnapshot> fetch = CompletableFuture.supplyAsync(() -> {
            try {
                return source.fetch();
            } catch (CatalogFetchException e) {
                throw new IllegalStateException(e);
            }
        });
        CatalogRefreshTest.await("the fetch waits for the connection", () -> !fetch.isDone() && connection.calls().isEmpty()
                && Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getState() == Thread.State.TIMED_WAITING
                        && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("connectionUrl"))));
        assertThat(connection.calls()).as("nothing was fetched from the old server").isEmpty();
        connection.url(moved);

        CatalogSnapshot snapshot = fetch.get(20, TimeUnit.SECONDS);
        assertThat(snapshot.source()).isEqualTo(moved);
        assertThat(connection.calls()).hasSize(3);
    }

    @Test
    void aConnectionThatNeverMovesFailsTheFetchSayingSo() throws Exception {
        URI moved = URI.create("http://127.0.0.1:4097");
        FakeConnection connection = new FakeConnection(URL);
        OpenCodeSource source = new OpenCodeSource(connection, settings(moved), () -> moved, Duration.ofMillis(200));

        CatalogFetchException e = catchThrowableOfType(source::fetch, CatalogFetchException.class);

        assertThat(e.failureCause()).isEqualTo(Cause.TIMED_OUT);
        assertThat(e.getMessage()).isEqualTo("catalog fetch from " + moved + " failed: timed out (the OpenCode connection still uses "
                + URL + " after 0.2 s; see the log of dev.otto.opencode)");
        assertThat(connection.calls()).isEmpty();
    }

    @Test
    void theManagedServerIsUsedWhateverTheConfiguredUrl() throws Exception {
        FakeConnection connection = new FakeConnection(URI.create("http://127.0.0.1:39211"));
        connection.managed(true);
        OpenCodeSource source = new OpenCodeSource(connection, settings(URL), () -> URL, Duration.ofSeconds(20));

        assertThat(source.fetch().source()).isEqualTo(URI.create("http://127.0.0.1:39211"));
    }

    @Test
    void anInterruptedFetchFailsAndKeepsTheInterrupt() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        connection.answer("/config", (c, path) -> {
            throw new InterruptedException();
        });

        CatalogFetchException e = catchThrowableOfType(source(connection)::fetch, CatalogFetchException.class);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(e.failureCause()).isEqualTo(Cause.IO);
        assertThat(e.getMessage()).isEqualTo("catalog fetch from " + URL + " failed: I/O error (interrupted during GET /config)");
    }

    @Test
    void startupAgainstARefusedUrlFailsWithOneClearMessageAndWritesNoCache() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        connection.failAll(OpenCodeException.Cause.REFUSED);
        Catalog catalog = catalog(source(connection));

        CatalogStartupException e = catchThrowableOfType(
                () -> catalog.start(settings(URL), cacheFile(), dir.resolve("config.jsonc")), CatalogStartupException.class);

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .isEqualTo("Otto cannot start: the first model catalog fetch failed. catalog fetch from " + URL
                        + " failed: connection refused. What to do: " + Cause.REFUSED.advice() + " (config file: "
                        + dir.resolve("config.jsonc") + ")");
        assertThat(cacheFile().getParent()).doesNotExist();
        assertThat(log.at("WARN")).isEmpty();
    }

    @Test
    void startupFailsEvenWithACacheOnDiskAndLeavesThatCacheAlone() throws Exception {
        FakeConnection connection = new FakeConnection(URL);
        Catalog first = catalog(source(connection));
        first.start(settings(URL), cacheFile(), dir.resolve("config.jsonc"));
        first.deactivate();
        byte[] cached = Files.readAllBytes(cacheFile());
        connection.failAll(OpenCodeException.Cause.REFUSED);

        Catalog second = catalog(source(connection));
        CatalogStartupException e = catchThrowableOfType(
                () -> second.start(settings(URL), cacheFile(), dir.resolve("config.jsonc")), CatalogStartupException.class);

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(URL.toString(), "connection refused");
        assertThat(Files.readAllBytes(cacheFile())).isEqualTo(cached);
    }
}
