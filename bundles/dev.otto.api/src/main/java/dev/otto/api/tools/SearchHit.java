package dev.otto.api.tools;

import java.util.Comparator;
import java.util.Objects;

/**
 * One matching line, normalized so that both search backends give equal hits.
 *
 * @param file the file, relative to the searched folder, with {@code /} separators; non-blank
 * @param line the 1-based line number
 * @param text the line without its line ending (at most {@link #MAX_TEXT} characters)
 */
public record SearchHit(String file, int line, String text) implements Comparable<SearchHit> {

    /** Longest line text kept; longer lines are cut (a minified file must not flood a result). */
    public static final int MAX_TEXT = 2000;

    private static final Comparator<SearchHit> ORDER =
            Comparator.comparing(SearchHit::file).thenComparingInt(SearchHit::line);

    /** Validates the fields. */
    public SearchHit {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("file must not be blank");
        }
        if (line < 1) {
            throw new IllegalArgumentException("line is " + line + " in " + file + ": expected 1 or more");
        }
        Objects.requireNonNull(text, "text must not be null");
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT);
        }
    }

    /** Orders by file, then line: the order of every {@link SearchResult}. */
    @Override
    public int compareTo(SearchHit other) {
        return ORDER.compare(this, other);
    }
}
