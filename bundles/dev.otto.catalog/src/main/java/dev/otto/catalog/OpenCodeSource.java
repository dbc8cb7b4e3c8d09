package dev.otto.catalog;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.function.Supplier;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.CatalogSource;
import dev.otto.api.config.CatalogConfig;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.spi.PluginName;

/**
 * The default {@link CatalogSource}: the connected providers and their models
 * ({@code GET /config/providers}), the global default model ({@code model} of {@code GET /config})
 * and the server version ({@code GET /global/health}) of the OpenCode server, fetched through the
 * {@link OpenCodeConnection} with one deadline ({@code totalTimeout}) for all three requests and
 * {@code maxResponseBytes} as the cap of each answer.
 *
 * <p>When an operator edits {@code opencodeUrl}, Config Admin tells the catalog and the connection
 * separately, in no set order, and the catalog's refresh may start before the connection has
 * moved. So a fetch first waits, bounded, until the connection uses the URL that Config Admin holds
 * now (it stores a configuration before it tells anyone), unless the connection runs Otto's own
 * OpenCode, whose URL is not configured.
 */
// a negative ranking: any CatalogSource an administrator adds wins over this default
@Component(service = CatalogSource.class, immediate = true, configurationPid = ConfigPids.CATALOG,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = "service.ranking:Integer=-100")
@PluginName("opencode")
public final class OpenCodeSource implements CatalogSource {

    /** Longest wait for the connection to take a newly configured URL (within the fetch's deadline). */
    static final Duration URL_SWITCH_WAIT = Duration.ofSeconds(5);

    private final OpenCodeConnection connection;
    private final Supplier<URI> configuredUrl;
    private final Duration urlSwitchWait;
    private volatile CatalogSettings settings;

    @Activate
    public OpenCodeSource(@Reference OpenCodeConnection connection, @Reference ConfigurationAdmin configAdmin,
            CatalogConfig config) {
        this.connection = connection;
        this.settings = ConfigProperties.catalogSettings(config);
        this.configuredUrl = () -> storedUrl(configAdmin, settings.opencodeUrl());
        this.urlSwitchWait = URL_SWITCH_WAIT;
    }

    /** Without OSGi (tests): {@code configuredUrl} stands for what Config Admin holds. */
    OpenCodeSource(OpenCodeConnection connection, CatalogSettings settings, Supplier<URI> configuredUrl, Duration urlSwitchWait) {
        this.connection = connection;
        this.settings = settings;
        this.configuredUrl = configuredUrl;
        this.urlSwitchWait = urlSwitchWait;
    }

    @Modified
    void modified(CatalogConfig config) {
        this.settings = ConfigProperties.catalogSettings(config);
    }

    @Override
    public String name() {
        return "opencode";
    }

    @Override
    public CatalogSnapshot fetch() throws CatalogFetchException {
        CatalogSettings current = settings;
        long maxBytes = current.maxResponseBytes();
        Instant deadline = Instant.now().plus(current.totalTimeout());
        URI url = connectionUrl(deadline);
        String version = version(url, deadline, maxBytes);
        byte[] providers = get(url, OpenCodeAnswers.CONFIG_PROVIDERS, deadline, maxBytes);
        byte[] config = get(url, OpenCodeAnswers.CONFIG, deadline, maxBytes);
        return OpenCodeAnswers.snapshot(providers, config, version, url, Instant.now());
    }

    /** The URL the connection uses, once it is the configured one (see the class comment). */
    private URI connectionUrl(Instant deadline) throws CatalogFetchException {
        OpenCodeStatus status = connection.status();
        if (status.managed()) {
            return status.url();
        }
        Instant giveUp = min(deadline, Instant.now().plus(urlSwitchWait));
        URI wanted = configuredUrl.get();
        while (!sameServer(status.url(), wanted)) {
            if (!Instant.now().isBefore(giveUp)) {
                throw new CatalogFetchException(wanted, CatalogFetchException.Cause.TIMED_OUT,
                        "the OpenCode connection still uses " + CatalogFetchException.sanitize(status.url())
                                + " after " + String.format(java.util.Locale.ROOT, "%.1f s", urlSwitchWait.toMillis() / 1000.0)
                                + "; see the log of dev.otto.opencode");
            }
            try {
                Thread.sleep(10); // the connection moves within microseconds of the catalog being told
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CatalogFetchException(wanted, CatalogFetchException.Cause.IO,
                        "interrupted while waiting for the connection");
            }
            status = connection.status();
            wanted = configuredUrl.get();
        }
        return status.url();
    }

    /** The server's version; an older server without the health endpoint is still a catalog source. */
    private String version(URI url, Instant deadline, long maxBytes) throws CatalogFetchException {
        byte[] health;
        try {
            health = connection.get(OpenCodeAnswers.HEALTH, deadline, maxBytes).body();
        } catch (OpenCodeException e) {
            if (e.failureCause() == OpenCodeException.Cause.HTTP_ERROR) {
                return null;
            }
            throw translate(e, OpenCodeAnswers.HEALTH, maxBytes);
        } catch (InterruptedException e) {
            throw interrupted(url, OpenCodeAnswers.HEALTH);
        }
        return OpenCodeAnswers.healthVersion(health, url);
    }

    private byte[] get(URI url, String path, Instant deadline, long maxBytes) throws CatalogFetchException {
        try {
            return connection.get(path, deadline, maxBytes).body();
        } catch (OpenCodeException e) {
            throw translate(e, path, maxBytes);
        } catch (InterruptedException e) {
            throw interrupted(url, path);
        }
    }

    /** The connection's failure in the catalog's terms, with a detail as an operator saw it before. */
    private CatalogFetchException translate(OpenCodeException e, String path, long maxBytes) {
        URI server = e.server();
        switch (e.failureCause()) {
        case REFUSED:
            return new CatalogFetchException(server, CatalogFetchException.Cause.REFUSED, null, e);
        case TIMED_OUT:
            return new CatalogFetchException(server, CatalogFetchException.Cause.TIMED_OUT, "GET " + path, e);
        case UNAUTHORIZED:
            return new CatalogFetchException(server, CatalogFetchException.Cause.UNAUTHORIZED, "HTTP " + e.httpStatus()
                    + " from " + path + "; " + OpenCodeException.Cause.UNAUTHORIZED.advice(), e);
        case HTTP_ERROR:
            return new CatalogFetchException(server, CatalogFetchException.Cause.HTTP_ERROR,
                    "HTTP " + e.httpStatus() + " from " + path, e);
        case TOO_LARGE:
            return new CatalogFetchException(server, CatalogFetchException.Cause.TOO_LARGE,
                    path + " answered more than " + maxBytes + " bytes", e);
        default:
            return new CatalogFetchException(server, CatalogFetchException.Cause.IO, "GET " + path, e);
        }
    }

    private static CatalogFetchException interrupted(URI url, String path) {
        Thread.currentThread().interrupt();
        return new CatalogFetchException(url, CatalogFetchException.Cause.IO, "interrupted during GET " + path);
    }

    /** {@code opencodeUrl} as Config Admin holds it now, or {@code fallback} if it holds none. */
    private static URI storedUrl(ConfigurationAdmin configAdmin, URI fallback) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + ConfigPids.CATALOG + ")");
            if (found != null && found.length > 0) {
                Dictionary<String, Object> properties = found[0].getProperties();
                Object url = properties == null ? null : properties.get("opencodeUrl");
                if (url instanceof String && !((String) url).isBlank()) {
                    return URI.create((String) url);
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalArgumentException | IllegalStateException e) {
            // Config Admin is going away or holds something odd: this component's own view will do
        }
        return fallback;
    }

    /** Same server: URIs equal but for a trailing slash. */
    static boolean sameServer(URI a, URI b) {
        return strip(a.toString()).equalsIgnoreCase(strip(b.toString()));
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
