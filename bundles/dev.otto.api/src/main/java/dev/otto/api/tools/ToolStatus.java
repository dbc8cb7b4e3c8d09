package dev.otto.api.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one lookup found for one tool.
 *
 * @param name the tool's role, e.g. {@code python3}, {@code rg}, {@code grep}; non-blank
 * @param candidates the executable names looked for, in order; not empty
 * @param path where the accepted executable is, or null if none was found or accepted
 * @param version what it reported about its version (first line), or null if unknown
 * @param note why a candidate was not accepted, or what a missing tool means; empty if nothing to say
 */
public record ToolStatus(String name, List<String> candidates, Path path, String version, String note) {

    /** Validates the fields. */
    public ToolStatus {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates must not be null"));
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("candidates of " + name + " must not be empty");
        }
        note = note == null ? "" : note;
    }

    /**
     * Returns whether the tool can be used.
     *
     * @return true if an executable was found and accepted
     */
    public boolean found() {
        return path != null;
    }
}
