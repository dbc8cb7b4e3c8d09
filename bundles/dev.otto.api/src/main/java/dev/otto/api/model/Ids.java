package dev.otto.api.model;

import java.util.Objects;

/**
 * The one rule for identifiers that cross the API (run ids, task ids, snapshot ids, config
 * versions): 1 to {@value #MAX_LENGTH} characters, no whitespace, no control characters.
 *
 * <p>The rule exists so that free text (a prompt, a provider message) cannot pass for an id and
 * end up in telemetry, which only ever holds ids, model references and fixed names.
 */
public final class Ids {

    /** Longest accepted identifier, in characters; long enough for UUIDs and composed task ids. */
    public static final int MAX_LENGTH = 200;

    private Ids() {
    }

    /**
     * Tells whether the text is an acceptable identifier.
     *
     * @param value the text, may be null
     * @return true if it is non-null, 1 to {@value #MAX_LENGTH} characters, without whitespace or
     *     control characters
     */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > ' ' && c < 0x7f) {
                continue; // printable ASCII: neither whitespace nor control (fast path)
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the identifier if it is acceptable, for use in compact constructors.
     *
     * @param value the identifier
     * @param field the field name, used in the message
     * @return {@code value}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it is empty, too long, or contains whitespace or control
     *     characters; the message names the field but never shows the value, because a value with
     *     whitespace is likely free text that was passed by mistake
     */
    public static String require(String value, String field) {
        if (!isValid(value)) {
            throw invalid(value, field);
        }
        return value;
    }

    /**
     * The error for an identifier {@link #isValid} refused. Built apart from the check, so that the
     * compact constructors that validate ids on every call stay small enough for the JIT to inline.
     */
    private static RuntimeException invalid(String value, String field) {
        if (value == null) {
            return new NullPointerException(field + " must not be null");
        }
        if (value.isEmpty()) {
            return new IllegalArgumentException(field + " must not be empty: expected an id such as job-42");
        }
        if (value.length() > MAX_LENGTH) {
            return new IllegalArgumentException(field + " is " + value.length()
                    + " characters long: expected an id of at most " + MAX_LENGTH + " characters");
        }
        return new IllegalArgumentException(field + " contains whitespace or a control character"
                + " (value not shown, it may be free text): expected an id such as job-42");
    }
}
