package dev.otto.config;

import java.util.Locale;

/**
 * What a file that ends too early left open, from Jackson's end-of-input message: a string, a key,
 * a comment, a number, or (between tokens) an object or array that is never closed. The parser
 * blames the element that was left open; this class names the case and words the rule. A save
 * cut short, a missing closing brace and a trailing comma at the very end all land here, so the
 * finding must point at what is unfinished, not at the last member that was read whole.
 */
final class EndOfInput {

    /** Where the input ended. */
    enum Where {
        /** Inside a string value. */
        STRING,
        /** Inside a key. */
        KEY,
        /** Inside a comment. */
        COMMENT,
        /** Inside a number. */
        NUMBER,
        /** Between tokens: a value, a closing brace or bracket was still to come. */
        BETWEEN
    }

    private static final String PREFIX = "invalid JSONC: unexpected end of input";

    private EndOfInput() {
    }

    /** @return true when Jackson stopped because the input ended */
    static boolean is(String jacksonMessage) {
        return jacksonMessage != null && jacksonMessage.startsWith("Unexpected end-of-input");
    }

    /** Classifies Jackson's end-of-input message (its wording, never text from the file). */
    static Where where(String jacksonMessage) {
        String m = jacksonMessage.toLowerCase(Locale.ROOT);
        if (m.contains("in a comment")) {
            return Where.COMMENT;
        }
        if (m.contains("field name")) {
            return Where.KEY;
        }
        if (m.contains("string value") || m.contains("escape sequence")) {
            return Where.STRING;
        }
        if (m.contains("digit") || m.contains("number")) {
            return Where.NUMBER;
        }
        return Where.BETWEEN;
    }

    /** The rule for input that ended inside a string, key, comment or number. */
    static String inside(Where where) {
        return switch (where) {
            case STRING -> PREFIX + " in a string, expected its closing '\"'";
            case KEY -> PREFIX + " in a key, expected its closing '\"'";
            case COMMENT -> PREFIX + " in a comment, expected its closing '*/'";
            case NUMBER -> PREFIX + " in a number";
            case BETWEEN -> PREFIX;
        };
    }

    /** The rule for a key whose value never came. */
    static String missingValue() {
        return PREFIX + ", expected ':' and a value for this key";
    }

    /** The rule for an object or array that is never closed, naming where it opens. */
    static String notClosed(boolean array, int line, int column) {
        return PREFIX + ": the " + (array ? "array" : "object") + " opened at line " + line + ", column " + column
                + " is never closed, expected '" + (array ? ']' : '}') + "'";
    }
}
