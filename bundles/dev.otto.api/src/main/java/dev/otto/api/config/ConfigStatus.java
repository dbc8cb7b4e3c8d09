package dev.otto.api.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the config bundle is doing with the config file, for {@code otto:config}.
 *
 * @param file the config file watched
 * @param state what happened to the newest version of the file
 * @param applied the configuration in force (built-in defaults until a file applies)
 * @param appliedAt when {@code applied} took effect
 * @param problems the findings about the newest version: its errors when rejected, its warnings
 *     when applied
 */
public record ConfigStatus(Path file, State state, ModelManagementConfig applied, Instant appliedAt,
        List<ConfigProblem> problems) {

    /** What happened to the newest version of the file. */
    public enum State {
        /** No file: built-in defaults are in force (everything falls through to the OpenCode global default). */
        NO_FILE("no file: built-in defaults"),
        /** The newest version is in force. */
        APPLIED("ok"),
        /** The newest version is invalid: the last good config stays in force. */
        REJECTED("rejected: the last good config stays in force"),
        /** The file went away after a version applied: that version stays in force. */
        DELETED("file deleted: the last applied config stays in force");

        private final String description;

        State(String description) {
            this.description = description;
        }

        /** @return a short phrase for operators */
        public String description() {
            return description;
        }
    }

    /** Validates and copies the fields. */
    public ConfigStatus {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(applied, "applied must not be null");
        Objects.requireNonNull(appliedAt, "appliedAt must not be null");
        problems = List.copyOf(problems);
    }
}
