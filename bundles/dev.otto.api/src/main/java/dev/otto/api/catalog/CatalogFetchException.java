package dev.otto.api.catalog;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * A catalog fetch failed. The message names the source (without credentials, query or fragment),
 * the kind of failure and a short non-secret detail, and {@link Cause#advice()} says what an
 * operator can do about it; startup prints both when the first fetch fails.
 */
public class CatalogFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, coarse enough for an operator to act on. */
    public enum Cause {
        /** Nothing listens at the address. */
        REFUSED("connection refused",
                "start OpenCode (opencode serve --hostname 127.0.0.1 --port 4096) or run bin/otto"
                        + " --with-opencode, or set modelManagement.catalog.opencodeUrl"),
        /** The connection or the whole exchange took longer than allowed. */
        TIMED_OUT("timed out",
                "check that OpenCode is responsive, or raise modelManagement.catalog timeouts"),
        /** The server wants credentials that were missing or wrong. */
        UNAUTHORIZED("unauthorized", "check the OpenCode server password given to Otto"),
        /** The server answered with an HTTP error status. */
        HTTP_ERROR("HTTP error", "check the OpenCode server log; is the URL an OpenCode server?"),
        /** The answer was not the catalog Otto expects. */
        INVALID_ANSWER("invalid answer",
                "check that the URL points at an OpenCode server of a supported version"),
        /** The answer exceeded the configured size limit. */
        TOO_LARGE("answer too large", "raise modelManagement.catalog.maxResponseBytes"),
        /** Another I/O failure (DNS, reset connection, TLS). */
        IO("I/O error", "check the network path to the OpenCode server");

        private final String description;
        private final String advice;

        Cause(String description, String advice) {
            this.description = description;
            this.advice = advice;
        }

        /**
         * Returns a short lower-case description for messages.
         *
         * @return e.g. {@code connection refused}
         */
        public String description() {
            return description;
        }

        /**
         * Returns what an operator can do about this kind of failure.
         *
         * @return one sentence, imperative
         */
        public String advice() {
            return advice;
        }
    }

    private final URI source;
    private final Cause failureCause;

    /**
     * Creates the exception.
     *
     * @param source where the fetch went; credentials, query and fragment are removed
     * @param failureCause what went wrong
     * @param detail a short non-secret detail, e.g. {@code HTTP 503} or
     *     {@code $.providers[3]: expected an object}; never a response body or a header value;
     *     may be null
     * @param cause the underlying exception, or null; its message is not copied into this one
     */
    public CatalogFetchException(URI source, Cause failureCause, String detail, Throwable cause) {
        super(message(sanitize(source), failureCause, detail), cause);
        this.source = sanitize(source);
        this.failureCause = failureCause;
    }

    /**
     * Creates the exception without an underlying cause.
     *
     * @param source where the fetch went
     * @param failureCause what went wrong
     * @param detail a short non-secret detail, or null
     */
    public CatalogFetchException(URI source, Cause failureCause, String detail) {
        this(source, failureCause, detail, null);
    }

    /**
     * Returns where the fetch went, without credentials, query or fragment.
     *
     * @return the source
     */
    public URI source() {
        return source;
    }

    /**
     * Returns what went wrong. (Not {@code getCause()}: that is the underlying exception.)
     *
     * @return the kind of failure
     */
    public Cause failureCause() {
        return failureCause;
    }

    /**
     * Returns the URI without user info, query and fragment, which may carry credentials.
     *
     * @param uri a URI, not null
     * @return the URI safe to show
     */
    public static URI sanitize(URI uri) {
        Objects.requireNonNull(uri, "source must not be null");
        if (uri.getUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            // Only reachable for opaque or odd URIs: fall back to the scheme, which is never secret.
            return URI.create((uri.getScheme() == null ? "unknown" : uri.getScheme()) + ":redacted");
        }
    }

    private static String message(URI source, Cause cause, String detail) {
        Objects.requireNonNull(cause, "failureCause must not be null");
        String text = "catalog fetch from " + source + " failed: " + cause.description();
        if (detail != null && !detail.isBlank()) {
            text += " (" + detail.strip().replaceAll("[\\r\\n]+", " ") + ")";
        }
        return text;
    }
}
