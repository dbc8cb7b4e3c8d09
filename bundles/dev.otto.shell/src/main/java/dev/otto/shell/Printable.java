package dev.otto.shell;

/**
 * Text that an operator or a provider wrote (a prompt, a job or model name, an error message) made
 * safe to print on a terminal: control characters (C0, DEL, C1, so no escape sequence reaches the
 * terminal), line and paragraph separators and the bidirectional controls that reorder what is
 * shown (U+061C, U+200E/F, U+202A-E, U+2066-9) are written as {@code \}{@code uXXXX}; tab, line feed
 * and carriage return as {@code \t}, {@code \n}, {@code \r}. Everything else, other scripts and
 * emoji included, is kept as it is.
 */
final class Printable {

    private Printable() {
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
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    static boolean unsafe(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
