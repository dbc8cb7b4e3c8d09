package dev.otto.api.tools;

import java.util.List;
import java.util.Objects;

/**
 * The matching lines of one search.
 *
 * @param backend the program that searched
 * @param hits the hits ordered by file and line; unmodifiable
 * @param truncated whether the search stopped at its hit limit, so that more lines may match
 */
public record SearchResult(SearchBackend backend, List<SearchHit> hits, boolean truncated) {

    /** Validates the fields and sorts the hits. */
    public SearchResult {
        Objects.requireNonNull(backend, "backend must not be null");
        hits = Objects.requireNonNull(hits, "hits must not be null").stream().sorted().toList();
    }
}
