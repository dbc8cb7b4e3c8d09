package dev.otto.console;

/**
 * Text on its way to an operator's terminal made unable to drive it: every control character
 * (C0 but line feed and tab, DEL, C1: so no escape sequence, bell or cursor move arrives), the line
 * and paragraph separators and the bidirectional controls that reorder what is shown (U+061C,
 * U+200E/F, U+202A-E, U+2066-9) are written as {@code \}{@code uXXXX}; a carriage return is kept
 * only before a line feed. Everything else, other scripts and emoji included, is kept as it is.
 *
 * <p>The console applies it to everything it prints of a command: the result and the failure
 * line. It is the rule of {@code dev.otto.shell.Printable} (which escapes the table cells and also
 * line feeds, so a cell stays one row) for whole texts, whose lines must stay lines. Text already
 * escaped comes back unchanged.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** {@code text} with every character that could move the cursor, recolour or reorder escaped; null stays null. */
    static String of(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(text, i)) {
                out.append(c == '\r' ? "\\r" : String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(String text, int i) {
        char c = text.charAt(i);
        if (c == '\n' || c == '\t') {
            return false;
        }
        if (c == '\r') {
            return i + 1 >= text.length() || text.charAt(i + 1) != '\n';
        }
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
