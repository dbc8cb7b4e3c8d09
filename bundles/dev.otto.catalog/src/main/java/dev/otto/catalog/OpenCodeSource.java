package dev.otto.catalog;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.CatalogSource;
import dev.otto.api.config.CatalogConfig;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.spi.PluginName;

/**
 * The default {@link CatalogSource}: the connected providers and their models
 * ({@code GET /config/providers}), the global default model ({@code model} of {@code GET /config})
 * and the server version ({@code GET /global/health}) of an OpenCode server.
 *
 * <p>With the framework property {@value #MANAGED} set ({@code bin/otto --with-opencode}) it first
 * starts the pinned OpenCode of the distribution and fetches from that one.
 */
// a negative ranking: any CatalogSource an administrator adds wins over this default
@Component(service = CatalogSource.class, immediate = true, configurationPid = ConfigPids.CATALOG,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = "service.ranking:Integer=-100")
@PluginName("opencode")
public final class OpenCodeSource implements CatalogSource {

    /** Framework property: start and use the distribution's own OpenCode. */
    public static final String MANAGED = "otto.opencode.managed";
    /** Where the distribution's pinned OpenCode lives, below {@code otto.home}. */
    static final String EXECUTABLE = "opencode/node_modules/.bin/opencode";

    private final OpenCodeProcess managed;
    private final Logger logger;
    private volatile Settings settings;

    /** Immutable per configuration version: swapped whole by {@link #modified}. */
    private record Settings(OpenCodeHttp http, Duration totalTimeout) {
    }

    @Activate
    public OpenCodeSource(BundleContext context, CatalogConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) throws IOException, InterruptedException {
        this.logger = logger;
        if (Boolean.parseBoolean(context.getProperty(MANAGED))) {
            OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
            Path home = Path.of(String.valueOf(context.getProperty("otto.home")));
            logger.info("starting the pinned OpenCode server ({} serve) with its state in {}", EXECUTABLE,
                    paths.dataDir().resolve("opencode"));
            this.managed = OpenCodeProcess.start(home.resolve(EXECUTABLE), paths.dataDir().resolve("opencode"),
                    paths.logsDir().resolve("opencode.log"), Duration.ofSeconds(60));
            logger.info("OpenCode is answering on {} (pid {})", managed.url(), managed.pid());
        } else {
            this.managed = null;
        }
        modified(config);
    }

    /** Without OSGi (tests): fetches from {@code catalog.opencodeUrl()} with the given credentials. */
    OpenCodeSource(CatalogSettings catalog, String user, String password, Logger logger) {
        this.logger = logger;
        this.managed = null;
        this.settings = settings(catalog.opencodeUrl(), catalog, user, password);
    }

    @Modified
    void modified(CatalogConfig config) {
        CatalogSettings catalog = ConfigProperties.catalogSettings(config);
        URI url = managed != null ? managed.url() : catalog.opencodeUrl();
        this.settings = settings(url, catalog, System.getenv(OpenCodeHttp.USER_ENV), System.getenv(OpenCodeHttp.PASSWORD_ENV));
    }

    private static Settings settings(URI url, CatalogSettings catalog, String user, String password) {
        return new Settings(new OpenCodeHttp(url, catalog.connectTimeout(), catalog.maxResponseBytes(), user, password),
                catalog.totalTimeout());
    }

    @Deactivate
    void deactivate() {
        if (managed != null) {
            logger.info("stopping the OpenCode server on {}", managed.url());
            managed.close();
        }
    }

    @Override
    public String name() {
        return "opencode";
    }

    /** The server this source fetches from. */
    URI url() {
        return settings.http().base();
    }

    @Override
    public CatalogSnapshot fetch() throws CatalogFetchException {
        Settings current = settings;
        OpenCodeHttp http = current.http();
        long deadline = System.nanoTime() + current.totalTimeout().toNanos();
        String version = version(http, deadline);
        byte[] providers = http.get("/config/providers", deadline);
        byte[] config = http.get("/config", deadline);
        return OpenCodeAnswers.snapshot(providers, config, version, http.base(), java.time.Instant.now());
    }

    /** The server's version; an older server without the health endpoint is still a catalog source. */
    private static String version(OpenCodeHttp http, long deadline) throws CatalogFetchException {
        try {
            return OpenCodeAnswers.healthVersion(http.get("/global/health", deadline), http.base());
        } catch (CatalogFetchException e) {
            if (e.failureCause() == CatalogFetchException.Cause.HTTP_ERROR) {
                return null;
            }
            throw e;
        }
    }
}
