package dev.otto.catalog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogFetchException.Cause;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.config.CatalogSettings;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real fetch path ({@link OpenCodeSource} over HTTP) against a loopback server that serves the
 * real OpenCode answers, with one fault at a time on {@code /config/providers}: each fault has its
 * own {@link Cause} and message, and through the {@link Catalog} a failed refresh changes nothing
 * but the freshness and one warning.
 */
class OpenCodeSourceFaultTest {

    static final Duration TOTAL_TIMEOUT = Duration.ofSeconds(3);
    static final long MAX_BYTES = 512 * 1024; // the real openai-connected answer is 221 KB
    static final String PASSWORD = "pw-CANARY-5e1f0c2a9b";

    /** One fault on {@code /config/providers}, the cause it must give and the detail of its message. */
    enum Fault {
        REFUSED(Cause.REFUSED, null),
        UNAUTHORIZED(Cause.UNAUTHORIZED, "HTTP 401 from /config/providers; no password was given (OPENCODE_SERVER_PASSWORD)"),
        NOT_FOUND(Cause.HTTP_ERROR, "HTTP 404 from /config/providers"),
        SERVER_ERROR(Cause.HTTP_ERROR, "HTTP 500 from /config/providers"),
        STALL_AFTER_HEADERS(Cause.TIMED_OUT, "GET /config/providers"),
        OVERSIZED(Cause.TOO_LARGE, "/config/providers answered more than " + MAX_BYTES + " bytes"),
        TRUNCATED_JSON(Cause.INVALID_ANSWER, "in /config/providers at $.providers[0].models[\"gpt-5.6-luna-pro\"].api.npm:"
                + " unexpected end of input, expected the rest of the JSON document"),
        WRONG_SHAPE(Cause.INVALID_ANSWER, "in /config/providers at $.providers: missing, expected an array of providers");

        final Cause cause;
        final String detail;

        Fault(Cause cause, String detail) {
            this.cause = cause;
            this.detail = detail;
        }

        void inject(FakeOpenCode server) {
            switch (this) {
                case REFUSED -> server.stop();
                case UNAUTHORIZED -> server.providers(FakeOpenCode.status(401));
                case NOT_FOUND -> server.providers(FakeOpenCode.status(404));
                case SERVER_ERROR -> server.providers(FakeOpenCode.status(500));
                case STALL_AFTER_HEADERS -> server.providers((exchange, fake) -> {
                    byte[] body = FakeOpenCode.PROVIDERS;
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(body, 0, 1000);
                    out.flush();
                    fake.stall(4 * TOTAL_TIMEOUT.toMillis()); // far past the client's deadline
                    out.write(body, 1000, body.length - 1000);
                    out.close();
                });
                case OVERSIZED -> {
                    // the real answer padded with whitespace: still valid JSON, only too large
                    byte[] padded = Arrays.copyOf(FakeOpenCode.PROVIDERS, (int) MAX_BYTES + 100_000);
                    Arrays.fill(padded, FakeOpenCode.PROVIDERS.length, padded.length, (byte) ' ');
                    server.providers(FakeOpenCode.ok(padded));
                }
                case TRUNCATED_JSON -> server.providers(FakeOpenCode.ok(
                        Arrays.copyOf(FakeOpenCode.PROVIDERS, FakeOpenCode.PROVIDERS.length / 2)));
                // valid JSON, but the answer of another endpoint
                case WRONG_SHAPE -> server.providers(FakeOpenCode.ok(FakeOpenCode.CONFIG));
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
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    static CatalogSettings settings(URI url) {
        return new CatalogSettings(url, Duration.ofHours(24), Duration.ofSeconds(1), TOTAL_TIMEOUT, MAX_BYTES);
    }

    private FakeOpenCode server() throws Exception {
        FakeOpenCode server = new FakeOpenCode();
        cleanup.add(server);
        return server;
    }

    private Catalog catalog(OpenCodeSource source) {
        Catalog catalog = new Catalog();
        catalog.source = source;
        catalog.logger = log.logger;
        cleanup.add(catalog::deactivate);
        return catalog;
    }

    private Path cacheFile() {
        return dir.resolve("data").resolve("model-catalog-cache.json");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void eachFaultFailsTheFetchWithItsOwnCauseAndMessage(Fault fault) throws Exception {
        FakeOpenCode server = server();
        OpenCodeSource source = new OpenCodeSource(settings(server.url()), null, null, log.logger);
        assertThat(source.fetch().providers()).containsKey("openai"); // the good path works first

        fault.inject(server);
        CatalogFetchException e = catchThrowableOfType(source::fetch, CatalogFetchException.class);

        assertThat(e).as("fetch after %s", fault).isNotNull();
        assertThat(e.failureCause()).isEqualTo(fault.cause);
        assertThat(e.getMessage()).isEqualTo(fault.message(server.url()));
        assertThat(e.source()).isEqualTo(server.url());
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void failedRefreshKeepsTheLastGoodCatalogAndCacheAndLogsOneWarning(Fault fault) throws Exception {
        FakeOpenCode server = server();
        Catalog catalog = catalog(new OpenCodeSource(settings(server.url()), null, null, log.logger));
        catalog.start(settings(server.url()), cacheFile(), dir.resolve("config.jsonc"));
        CatalogSnapshot good = catalog.snapshot();
        CatalogFreshness goodFreshness = catalog.freshness();
        byte[] cached = Files.readAllBytes(cacheFile());
        assertThat(CatalogCache.decode(cached)).isEqualTo(good);
        log.clear();

        fault.inject(server);
        CatalogFetchException e = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);

        assertThat(e).as("refresh after %s", fault).isNotNull();
        assertThat(e.failureCause()).isEqualTo(fault.cause);
        assertThat(e.getMessage()).isEqualTo(fault.message(server.url()));
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
        FakeOpenCode server = server();
        Catalog catalog = catalog(new OpenCodeSource(settings(server.url()), null, null, log.logger));
        catalog.start(settings(server.url()), cacheFile(), dir.resolve("config.jsonc"));
        CatalogSnapshot good = catalog.snapshot();

        server.providers(FakeOpenCode.status(500));
        catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
        CatalogFetchException second = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
        assertThat(catalog.freshness().consecutiveFailures()).isEqualTo(2);
        assertThat(catalog.freshness().lastError()).isEqualTo(second.getMessage());

        // the other real answer: a different catalog
        server.providers(FakeOpenCode.ok(OpenCodeAnswersTest.fixture("config-providers.no-keys.json")));
        CatalogSnapshot fresh = catalog.refresh();

        assertThat(fresh.snapshotId()).isNotEqualTo(good.snapshotId());
        assertThat(catalog.snapshot()).isSameAs(fresh);
        assertThat(catalog.freshness()).isEqualTo(CatalogFreshness.of(fresh, Duration.ofHours(24)));
        assertThat(CatalogCache.decode(Files.readAllBytes(cacheFile()))).isEqualTo(fresh);
    }

    @Test
    void passwordIsSentAsBasicAuthAndNeverShown() throws Exception {
        String token = Base64.getEncoder().encodeToString(("opencode:" + PASSWORD).getBytes(UTF_8));
        FakeOpenCode server = server();
        server.requireAuthorization("Basic " + token);
        Catalog catalog = catalog(new OpenCodeSource(settings(server.url()), null, PASSWORD, log.logger));

        catalog.start(settings(server.url()), cacheFile(), dir.resolve("config.jsonc"));

        assertThat(server.authorizations()).hasSize(3).containsOnly("Basic " + token);
        List<Throwable> failures = new ArrayList<>();
        // the server now wants another password; then it fails in every other way that has a message
        server.requireAuthorization("Basic " + Base64.getEncoder().encodeToString("opencode:other".getBytes(UTF_8)));
        CatalogFetchException unauthorized = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
        assertThat(unauthorized.failureCause()).isEqualTo(Cause.UNAUTHORIZED);
        assertThat(unauthorized.getMessage()).endsWith("(HTTP 401 from /global/health)");
        failures.add(unauthorized);
        server.requireAuthorization(null);
        for (Fault fault : new Fault[] {Fault.SERVER_ERROR, Fault.TRUNCATED_JSON, Fault.STALL_AFTER_HEADERS, Fault.REFUSED}) {
            fault.inject(server);
            CatalogFetchException e = catchThrowableOfType(catalog::refresh, CatalogFetchException.class);
            assertThat(e.failureCause()).isEqualTo(fault.cause);
            failures.add(e);
        }
        Catalog restarted = catalog(new OpenCodeSource(settings(server.url()), null, PASSWORD, log.logger));
        failures.add(catchThrowableOfType(() -> restarted.start(settings(server.url()), cacheFile(),
                dir.resolve("config.jsonc")), CatalogStartupException.class));

        List<String> texts = new ArrayList<>();
        for (Throwable failure : failures) {
            for (Throwable t = failure; t != null; t = t.getCause()) {
                texts.add(String.valueOf(t.getMessage()));
                texts.add(t.toString());
            }
        }
        log.lines().forEach(line -> texts.add(line.message()));
        texts.add(catalog.freshness().lastError());
        assertThat(texts).hasSizeGreaterThan(10)
                .allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD).doesNotContain(token));
    }

    @Test
    void startupAgainstARefusedUrlFailsWithOneClearMessageAndWritesNoCache() throws Exception {
        FakeOpenCode server = server();
        URI url = server.url();
        server.stop();
        Catalog catalog = catalog(new OpenCodeSource(settings(url), null, null, log.logger));

        CatalogStartupException e = catchThrowableOfType(
                () -> catalog.start(settings(url), cacheFile(), dir.resolve("config.jsonc")), CatalogStartupException.class);

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains(url.toString(), "connection refused", "What to do: " + Cause.REFUSED.advice(),
                        dir.resolve("config.jsonc").toString())
                .doesNotContain("\n");
        assertThat(cacheFile().getParent()).doesNotExist();
        assertThat(log.at("WARN")).isEmpty();
    }

    @Test
    void startupFailsEvenWithACacheOnDiskAndLeavesThatCacheAlone() throws Exception {
        FakeOpenCode server = server();
        Catalog first = catalog(new OpenCodeSource(settings(server.url()), null, null, log.logger));
        first.start(settings(server.url()), cacheFile(), dir.resolve("config.jsonc"));
        first.deactivate();
        byte[] cached = Files.readAllBytes(cacheFile());
        server.stop();

        Catalog second = catalog(new OpenCodeSource(settings(server.url()), null, null, log.logger));
        CatalogStartupException e = catchThrowableOfType(
                () -> second.start(settings(server.url()), cacheFile(), dir.resolve("config.jsonc")),
                CatalogStartupException.class);

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(server.url().toString(), "connection refused");
        assertThat(Files.readAllBytes(cacheFile())).isEqualTo(cached);
    }
}
