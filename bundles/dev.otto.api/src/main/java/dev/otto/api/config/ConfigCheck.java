package dev.otto.api.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of validating one version of a config file.
 *
 * @param file the file that was read
 * @param config the effective configuration, or null when the file has errors
 * @param problems errors and warnings, in document order
 */
public record ConfigCheck(Path file, ModelManagementConfig config, List<ConfigProblem> problems) {

    /** Validates and copies the fields: a config is present exactly when there is no error. */
    public ConfigCheck {
        Objects.requireNonNull(file, "file must not be null");
        problems = List.copyOf(problems);
        boolean hasError = problems.stream().anyMatch(p -> p.severity() == ConfigProblem.Severity.ERROR);
        if (hasError == (config != null)) {
            throw new IllegalArgumentException(hasError
                    ? "a config check with errors must not carry a config"
                    : "a config check without errors must carry the config");
        }
    }

    /** @return true when the file may be applied */
    public boolean valid() {
        return config != null;
    }

    /** @return the effective configuration when the file is valid */
    public Optional<ModelManagementConfig> findConfig() {
        return Optional.ofNullable(config);
    }

    /** @return the errors only */
    public List<ConfigProblem> errors() {
        return problems.stream().filter(p -> p.severity() == ConfigProblem.Severity.ERROR).toList();
    }

    /** @return the warnings only */
    public List<ConfigProblem> warnings() {
        return problems.stream().filter(p -> p.severity() == ConfigProblem.Severity.WARNING).toList();
    }
}
