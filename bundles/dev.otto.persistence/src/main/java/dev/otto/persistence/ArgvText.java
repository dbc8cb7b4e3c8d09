package dev.otto.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * A hook's argv as one text column: each argument as {@code <length>:<text>}, the length in Java
 * characters. Unambiguous for any argument, with no escaping to get wrong; readable with the
 * sqlite3 tool ({@code 8:check.sh7:--quick}).
 */
final class ArgvText {

    private ArgvText() {
    }

    static String encode(List<String> argv) {
        StringBuilder text = new StringBuilder();
        for (String arg : argv) {
            text.append(arg.length()).append(':').append(arg);
        }
        return text.toString();
    }

    /**
     * @throws IllegalArgumentException if the text is not in that form, saying where it breaks
     */
    static List<String> decode(String text) {
        List<String> argv = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int colon = text.indexOf(':', at);
            if (colon <= at || colon - at > 9) {
                throw new IllegalArgumentException("expected <length>:<argument> at character " + at);
            }
            int length;
            try {
                length = Integer.parseInt(text, at, colon, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a length before ':' at character " + at);
            }
            if (length < 0 || colon + 1 + length > text.length()) {
                throw new IllegalArgumentException("argument at character " + at + " is cut short");
            }
            argv.add(text.substring(colon + 1, colon + 1 + length));
            at = colon + 1 + length;
        }
        return argv;
    }
}
