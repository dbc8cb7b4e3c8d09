package dev.otto.catalog;

/**
 * The first catalog fetch at startup failed: Otto does not start (the seed's rule). The message
 * names the URL, the cause and what to do, and is the one line the operator sees.
 */
final class CatalogStartupException extends Exception {

    private static final long serialVersionUID = 1L;

    CatalogStartupException(String message) {
        super(message, null, false, false);
    }
}
