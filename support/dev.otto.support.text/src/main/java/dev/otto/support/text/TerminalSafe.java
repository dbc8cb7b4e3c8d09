package dev.otto.support.text;

/**
 * Text that an operator or a provider wrote (a prompt, a name, an error message) made unable to
 * drive the terminal that shows it, be it the console, {@code less} or {@code tail -f} of the log:
 * every control character (C0, DEL, C1: no escape sequence, bell or cursor move arrives), the line
 * and paragraph separators and the bidirectional controls that reorder what is shown (U+061C,
 * U+200E/F, U+202A-E, U+2066-9) are written as {@code \}{@code uXXXX}. Everything else, other
 * scripts and emoji included, is kept as it is, and a text without such a character is returned
 * as the same instance. Escaping twice changes nothing more: the escapes are printable.
 *
 * <p>Two forms: {@link #text} keeps the lines of a whole text (line feed, tab, CR before LF);
 * {@link #line} makes anything one line (a table cell, a value in a message), writing line feed,
 * carriage return and tab as {@code \n}, {@code \r}, {@code \t}.
 */
public final class TerminalSafe {

    private TerminalSafe() {
    }

    /** A whole text with its lines kept (line feed, tab, CR before LF); null stays null. */
    public static String text(String text) {
        return escape(text, true);
    }

    /** Anything as one line: line breaks and tabs escaped too; null stays null. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** True for a character that {@link #line} escapes: a control, separator or bidirectional control. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unsafe = keepLines ? unsafeInText(text, i) : isControl(c);
            if (unsafe && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(c);
                } else if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\t') {
                    out.append("\\t");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean unsafeInText(String text, int i) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\t') {
            return false;
        }
        if (c == '\r') {
            return i + 1 >= text.length() || text.charAt(i + 1) != '\n';
        }
        return isControl(c);
    }
}
