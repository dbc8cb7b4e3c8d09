package dev.otto.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.CatalogSource;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.config.CatalogConfig;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.runtime.OttoPaths;

/**
 * The model catalog: an immutable snapshot swapped atomically, so every lookup is a plain read and
 * never a network call.
 *
 * <ul>
 * <li><b>Startup rule</b>: the first fetch must succeed, or this component fails to activate with
 * one message naming the URL, the cause and what to do, and Otto does not start.</li>
 * <li><b>Refresh</b> every {@code refreshInterval} and on demand, single-flight: a caller that asks
 * while a refresh runs gets that refresh's outcome. A failed refresh keeps the last good snapshot
 * and cache file, logs a warning, and retries with capped, jittered backoff.</li>
 * <li><b>Cache</b>: each good snapshot is written atomically to {@code <data>/model-catalog-cache.json}.</li>
 * </ul>
 */
@Component(service = ModelCatalog.class, immediate = true, configurationPid = ConfigPids.CATALOG,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class Catalog implements ModelCatalog {

    /** First retry after a failed refresh; doubles up to the cap. */
    static final Duration BACKOFF_BASE = Duration.ofSeconds(30);
    /** Longest wait between retries (never longer than the refresh interval). */
    static final Duration BACKOFF_CAP = Duration.ofMinutes(30);

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile CatalogSource source;

    @Reference(service = LoggerFactory.class)
    Logger logger;

    private final Clock clock = Clock.systemUTC();
    private final Object flightLock = new Object();
    private CompletableFuture<CatalogSnapshot> inFlight;

    private volatile State state;
    private volatile CatalogSettings settings;
    private CacheFile cache;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> nextRefresh;

    /** The snapshot and its freshness, always swapped together. */
    private record State(CatalogSnapshot snapshot, CatalogFreshness freshness) {
    }

    @Activate
    void activate(BundleContext context, CatalogConfig config) throws CatalogStartupException, IOException {
        OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
        start(ConfigProperties.catalogSettings(config), paths.catalogCache(), paths.configFile());
    }

    /** Activation without OSGi: tests set {@code source} and {@code logger} first. */
    void start(CatalogSettings initial, Path cacheFile, Path configFile) throws CatalogStartupException, IOException {
        settings = initial;
        cache = new CacheFile(cacheFile);
        loadCache();
        logger.info("fetching the model catalog ({} source); Otto starts only if this first fetch succeeds", source.name());
        try {
            fetchAndStore();
        } catch (CatalogFetchException e) {
            throw new CatalogStartupException("Otto cannot start: the first model catalog fetch failed. " + e.getMessage()
                    + ". What to do: " + e.failureCause().advice() + " (config file: " + configFile + ")");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "otto-catalog-refresh");
            thread.setDaemon(true);
            return thread;
        });
        schedule(settings.refreshInterval());
    }

    @Modified
    void modified(CatalogConfig config) {
        CatalogSettings previous = settings;
        settings = ConfigProperties.catalogSettings(config);
        if (!settings.opencodeUrl().equals(previous.opencodeUrl())) {
            logger.info("catalog URL changed: refreshing now");
            schedule(Duration.ZERO);
        } else if (!settings.refreshInterval().equals(previous.refreshInterval())) {
            Duration age = state.freshness().age(clock.instant());
            Duration wait = settings.refreshInterval().minus(age);
            schedule(wait.isNegative() ? Duration.ZERO : wait);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public CatalogSnapshot snapshot() {
        return state.snapshot();
    }

    @Override
    public CatalogFreshness freshness() {
        return state.freshness();
    }

    @Override
    public CatalogSnapshot refresh() throws CatalogFetchException {
        try {
            return refreshOnce();
        } catch (CatalogFetchException e) {
            CatalogFreshness freshness = state.freshness();
            logger.warn("model catalog refresh failed: {}; keeping snapshot {} fetched {} ago", e.getMessage(),
                    freshness.snapshotId(), freshness.age(clock.instant()));
            throw e;
        }
    }

    /** Fetches, or joins the fetch already under way: two refreshes never run at once. */
    private CatalogSnapshot refreshOnce() throws CatalogFetchException {
        CompletableFuture<CatalogSnapshot> flight;
        boolean mine = false;
        synchronized (flightLock) {
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            flight = inFlight;
        }
        if (mine) {
            try {
                flight.complete(fetchAndStore());
            } catch (CatalogFetchException | RuntimeException e) {
                flight.completeExceptionally(e);
            } finally {
                synchronized (flightLock) {
                    inFlight = null;
                }
            }
        }
        try {
            return flight.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CatalogFetchException) {
                throw (CatalogFetchException) e.getCause();
            }
            throw e;
        }
    }

    private void loadCache() throws IOException {
        CacheFile.Loaded loaded = cache.load(clock.instant());
        if (!loaded.strayTemps().isEmpty()) {
            logger.info("removed {} temporary catalog file(s) an earlier run left behind", loaded.strayTemps().size());
        }
        if (loaded.movedAside() != null) {
            logger.warn("the catalog cache {} is corrupt ({}); moved it aside to {} and will not use it",
                    cache.path(), loaded.problem(), loaded.movedAside());
        }
        loaded.snapshot().ifPresent(snapshot -> state = new State(snapshot,
                CatalogFreshness.of(snapshot, settings.refreshInterval())));
    }

    /** One fetch; on success the new snapshot is in force and cached, on failure nothing changes but the freshness. */
    private CatalogSnapshot fetchAndStore() throws CatalogFetchException {
        Instant attempt = clock.instant();
        CatalogSnapshot snapshot;
        try {
            snapshot = source.fetch();
        } catch (CatalogFetchException e) {
            State current = state;
            if (current != null) {
                state = new State(current.snapshot(), current.freshness().withFailure(attempt, e.getMessage()));
            }
            throw e;
        }
        State previous = state;
        state = new State(snapshot, CatalogFreshness.of(snapshot, settings.refreshInterval()));
        try {
            cache.write(snapshot);
        } catch (IOException e) {
            logger.warn("could not write the catalog cache {}: {}; the new catalog is in use but not cached",
                    cache.path(), e.getMessage());
        }
        boolean changed = previous == null || !previous.snapshot().snapshotId().equals(snapshot.snapshotId());
        logger.info("model catalog from {}: {} providers, {} models, snapshot {} ({})", snapshot.source(),
                snapshot.providers().size(), snapshot.modelCount(), snapshot.snapshotId(), changed ? "new" : "unchanged");
        return snapshot;
    }

    private synchronized void schedule(Duration delay) {
        if (scheduler == null || scheduler.isShutdown()) {
            return;
        }
        if (nextRefresh != null) {
            nextRefresh.cancel(false);
        }
        nextRefresh = scheduler.schedule(this::scheduledRefresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledRefresh() {
        try {
            refreshOnce();
            schedule(settings.refreshInterval());
        } catch (CatalogFetchException e) {
            CatalogFreshness freshness = state.freshness();
            // A refresh interval shorter than BACKOFF_BASE caps the base too (Backoff refuses base > cap).
            Duration cap = min(BACKOFF_CAP, settings.refreshInterval());
            Duration wait = new Backoff(min(BACKOFF_BASE, cap), cap,
                    ThreadLocalRandom.current()::nextDouble).after(freshness.consecutiveFailures());
            logger.warn("model catalog refresh failed: {}; keeping snapshot {} fetched {} ago; next try in {}",
                    e.getMessage(), freshness.snapshotId(), freshness.age(clock.instant()), wait);
            schedule(wait);
        } catch (RuntimeException e) {
            logger.error("model catalog refresh hit an unexpected {}; keeping the last snapshot", e.getClass().getName(), e);
            schedule(settings.refreshInterval());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
