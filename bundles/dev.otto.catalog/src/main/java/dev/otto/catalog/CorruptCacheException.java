package dev.otto.catalog;

/**
 * The catalog cache file cannot be used: it is not the JSON that {@link CatalogCache} writes, it
 * was cut short, its content does not match its snapshot id, or it has a schema this Otto does
 * not read. The message is a path and what was expected, e.g.
 * {@code $.providers.openai.models["gpt-5.2"].name: expected a non-blank string}, never a value
 * from the file. The caller treats the cache as absent and fetches anew.
 */
final class CorruptCacheException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail the path and what was expected, without values
     */
    CorruptCacheException(String detail) {
        super(detail);
    }
}
