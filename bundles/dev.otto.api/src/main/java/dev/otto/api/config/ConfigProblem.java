package dev.otto.api.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One finding about a config file: where it is and which rule it breaks. Never carries the value
 * found there, since a field may hold something secret.
 *
 * @param severity an error rejects the file; a warning (an unknown key) does not
 * @param path the JSON path of the offending element, e.g.
 *     {@code modelManagement.routing.fallbackChain[1]}, or {@code $} for the whole document
 * @param line 1-based line of the element, 0 when unknown
 * @param column 1-based column of the element, 0 when unknown
 * @param rule what was expected, as a sentence fragment an operator can act on
 */
public record ConfigProblem(Severity severity, String path, int line, int column, String rule) {

    /** Whether a finding rejects the file. */
    public enum Severity {
        /** The file is rejected whole; the last good config stays in force. */
        ERROR,
        /** The file applies; the finding is reported (unknown keys). */
        WARNING
    }

    /** Validates the fields. */
    public ConfigProblem {
        Objects.requireNonNull(severity, "severity must not be null");
        Objects.requireNonNull(path, "path must not be null");
        Objects.requireNonNull(rule, "rule must not be null");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must be >= 0 (0 = unknown), were " + line + ":" + column);
        }
    }

    /**
     * Formats the finding as compilers do: {@code file:line:column: path: rule}.
     *
     * @param file the file the finding is about
     * @return one line
     */
    public String describe(Path file) {
        return file + ":" + line + ":" + column + ": " + path + ": " + rule;
    }
}
