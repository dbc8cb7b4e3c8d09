package dev.otto.api.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the catalog is fetched ({@code modelManagement.catalog}).
 *
 * @param opencodeUrl base URL of the OpenCode server; absolute {@code http} or {@code https} with a
 *     host, no user info (credentials do not belong in config URLs)
 * @param refreshInterval time between scheduled refreshes; also the age after which the catalog
 *     counts as stale; positive
 * @param connectTimeout limit for opening the connection; positive
 * @param totalTimeout limit for one whole fetch; positive and not shorter than
 *     {@code connectTimeout}
 * @param maxResponseBytes largest answer accepted, in bytes; positive (the full OpenCode catalog is
 *     about 6.4 MB)
 */
public record CatalogSettings(
        URI opencodeUrl, Duration refreshInterval, Duration connectTimeout, Duration totalTimeout,
        long maxResponseBytes) {

    /** The default OpenCode address: {@code opencode serve} on loopback. */
    public static final URI DEFAULT_OPENCODE_URL = URI.create("http://127.0.0.1:4096");

    /** Defaults: local OpenCode, refresh every 24 h, 5 s to connect, 30 s per fetch, 64 MiB. */
    public static final CatalogSettings DEFAULTS = new CatalogSettings(
            DEFAULT_OPENCODE_URL, Duration.ofHours(24), Duration.ofSeconds(5), Duration.ofSeconds(30),
            64L * 1024 * 1024);

    /** Validates the fields. */
    public CatalogSettings {
        Objects.requireNonNull(opencodeUrl, "opencodeUrl must not be null");
        String scheme = opencodeUrl.getScheme() == null ? "" : opencodeUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!opencodeUrl.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))
                || opencodeUrl.getHost() == null) {
            throw new IllegalArgumentException("opencodeUrl \"" + opencodeUrl
                    + "\" is invalid: expected an absolute http or https URL with a host, e.g. "
                    + DEFAULT_OPENCODE_URL);
        }
        if (opencodeUrl.getUserInfo() != null) {
            throw new IllegalArgumentException(
                    "opencodeUrl must not contain credentials (user info): pass the server password separately");
        }
        requirePositive(refreshInterval, "refreshInterval");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (totalTimeout.compareTo(connectTimeout) < 0) {
            throw new IllegalArgumentException("totalTimeout " + totalTimeout
                    + " is shorter than connectTimeout " + connectTimeout + ": expected totalTimeout >= connectTimeout");
        }
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException(
                    "maxResponseBytes is " + maxResponseBytes + ": expected a positive number of bytes");
        }
    }

    static void requirePositive(Duration value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " is " + value + ": expected a positive duration, e.g. PT30S");
        }
    }
}
