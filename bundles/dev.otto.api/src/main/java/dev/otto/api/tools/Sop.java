package dev.otto.api.tools;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SOP (standard operating procedure): a Markdown file {@code <name>.md} in the SOP folder.
 *
 * @param name the SOP's name, the file name without {@code .md}; see {@link #requireValidName}
 * @param file the file it was read from
 * @param text its Markdown text
 */
public record Sop(String name, Path file, String text) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Validates the fields. */
    public Sop {
        requireValidName(name);
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(text, "text must not be null");
    }

    /**
     * Checks an SOP name: letters, digits, {@code .}, {@code _} and {@code -}, starting with a
     * letter or digit, at most 128 characters, so that a name can never leave the SOP folder.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException if it is not a valid name
     */
    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid SOP name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": expected letters, digits, '.', '_' and '-', e.g. python-env");
        }
        return name;
    }
}
