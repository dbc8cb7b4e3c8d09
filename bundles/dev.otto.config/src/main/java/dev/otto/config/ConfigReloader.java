package dev.otto.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigProblem;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.ModelManagementConfig;

/**
 * Reads the config file when it may have changed and decides what happens: apply a valid version,
 * reject an invalid one whole (the last good config stays), keep the last applied config when the
 * file is deleted. Only a path with nothing at it means the built-in defaults; an empty file and
 * a path that is not a regular file ({@link ConfigFile}) are rejected like an invalid version.
 * Each version of the file (and each fault at its path) is judged and reported once, however many
 * times the watcher calls.
 *
 * <p>No OSGi here: the component hands in how to publish and how to log.
 */
final class ConfigReloader {

    /** Where the outcome of each version is reported; one call per version. */
    interface Reporter {
        void info(String message);

        void warn(String message);

        void error(String message);
    }

    private final Path file;
    private final ConfigParser parser;
    private final Consumer<ModelManagementConfig> publisher;
    private final Reporter reporter;
    private final Clock clock;
    private final String exampleHint;

    private volatile ConfigStatus status;
    private byte[] lastSeen; // digest of the last version judged; null = missing
    private boolean judgedOnce;
    private boolean published;

    ConfigReloader(Path file, ConfigParser parser, Consumer<ModelManagementConfig> publisher, Reporter reporter,
            Clock clock, String exampleHint) {
        this.file = file;
        this.parser = parser;
        this.publisher = publisher;
        this.reporter = reporter;
        this.clock = clock;
        this.exampleHint = exampleHint;
        this.status = new ConfigStatus(file, ConfigStatus.State.NO_FILE, ModelManagementConfig.DEFAULTS, clock.instant(), List.of());
    }

    ConfigStatus status() {
        return status;
    }

    ModelManagementConfig current() {
        return status.applied();
    }

    /**
     * What is wrong with the config file, for {@code otto:status}: null while the newest version is
     * in force (or there is no file); otherwise one line with the path and what to do.
     */
    String problem() {
        ConfigStatus now = status;
        String version = now.applied().versionId();
        return switch (now.state()) {
            case NO_FILE, APPLIED -> null;
            case REJECTED -> "config " + file + " is rejected, version " + version + " stays in force: "
                    + (now.problems().isEmpty() ? "see the log" : sameLine(now.problems().get(0)))
                    + (now.problems().size() > 1 ? " (and " + (now.problems().size() - 1) + " more)" : "")
                    + "; fix the file ('otto:config' lists every problem)";
            case DELETED -> "config " + file + " was deleted while Otto ran; version " + version
                    + " stays in force, but a restart would use the built-in defaults: restore the file";
        };
    }

    /** Reads the file and acts on it if it is a version not judged before. */
    synchronized void reload() {
        ConfigFile.Outcome outcome = ConfigFile.read(file, ConfigParser.MAX_BYTES);
        if (outcome instanceof ConfigFile.Missing) {
            onMissing();
            return;
        }
        if (outcome instanceof ConfigFile.Unusable unusable) {
            onUnusable(unusable.reason());
            return;
        }
        byte[] content = ((ConfigFile.Content) outcome).bytes();
        byte[] digest = sha256(content);
        if (judgedOnce && lastSeen != null && Arrays.equals(digest, lastSeen)) {
            return; // the same version: already judged and reported
        }
        judgedOnce = true;
        lastSeen = digest;
        judge(parser.parse(file, content));
    }

    /** Validates any file without applying it; a path that is not a readable regular file is one error. */
    ConfigCheck check(Path other) {
        ConfigFile.Outcome outcome = ConfigFile.read(other, ConfigParser.MAX_BYTES);
        if (outcome instanceof ConfigFile.Content content) {
            return parser.parse(other, content.bytes());
        }
        String reason = outcome instanceof ConfigFile.Unusable unusable ? unusable.reason()
                : "no such file; check the path";
        return new ConfigCheck(other, null, List.of(fileProblem(reason)));
    }

    private void judge(ConfigCheck check) {
        ModelManagementConfig applied = status.applied();
        if (!check.valid()) {
            publishOnce(applied);
            status = new ConfigStatus(file, ConfigStatus.State.REJECTED, applied, status.appliedAt(), check.problems());
            reporter.error("config " + file + " rejected, version " + applied.versionId() + " stays in force"
                    + describe(check.errors()));
            return;
        }
        ModelManagementConfig candidate = check.config();
        boolean changed = !candidate.versionId().equals(applied.versionId());
        // this service's view changes first: whoever Config Admin tells may ask current() at once
        status = new ConfigStatus(file, ConfigStatus.State.APPLIED, candidate,
                changed ? clock.instant() : status.appliedAt(), check.warnings());
        if (changed || !published) {
            publish(candidate);
        }
        if (!check.warnings().isEmpty()) {
            reporter.warn("config " + file + " applies with warnings" + describe(check.warnings()));
        }
        reporter.info(changed ? "config " + file + " applied: version " + candidate.versionId()
                : "config " + file + " re-read: version " + candidate.versionId() + " unchanged");
    }

    private void onMissing() {
        if (judgedOnce && lastSeen == null) {
            return; // still missing
        }
        boolean firstLook = !judgedOnce;
        judgedOnce = true;
        lastSeen = null;
        if (status.state() == ConfigStatus.State.NO_FILE && firstLook) {
            publish(ModelManagementConfig.DEFAULTS);
            reporter.info("no config file at " + file + ": built-in defaults (every flow uses the OpenCode global "
                    + "default); create it to set flow defaults" + exampleHint);
        } else {
            status = new ConfigStatus(file, ConfigStatus.State.DELETED, status.applied(), status.appliedAt(), List.of());
            reporter.warn("config " + file + " was deleted; version " + status.applied().versionId()
                    + " stays in force until the file is back");
        }
    }

    /** Something that is not a readable regular file is at the path: rejected like an invalid version. */
    private void onUnusable(String reason) {
        byte[] marker = sha256(("unusable\0" + reason).getBytes(StandardCharsets.UTF_8));
        if (judgedOnce && Arrays.equals(marker, lastSeen)) {
            return; // the same fault: already reported
        }
        judgedOnce = true;
        lastSeen = marker;
        publishOnce(status.applied());
        status = new ConfigStatus(file, ConfigStatus.State.REJECTED, status.applied(), status.appliedAt(),
                List.of(fileProblem(reason)));
        reporter.error("config " + file + " rejected, version " + status.applied().versionId() + " stays in force"
                + describe(status.problems()));
    }

    private static ConfigProblem fileProblem(String reason) {
        return new ConfigProblem(ConfigProblem.Severity.ERROR, "$", 0, 0, reason);
    }

    private void publish(ModelManagementConfig config) {
        publisher.accept(config);
        published = true;
    }

    /** Components waiting for their configuration get the defaults even when the first file is bad. */
    private void publishOnce(ModelManagementConfig config) {
        if (!published) {
            publish(config);
        }
    }

    /** One problem stays on the log line ({@code ": ..."}); more follow it, one per line ({@code "; n problems:"}). */
    private String describe(List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return ": " + sameLine(problems.get(0));
        }
        return "; " + problems.size() + " problems:"
                + problems.stream().map(p -> System.lineSeparator() + "  " + describe(p, file)).collect(Collectors.joining());
    }

    /** A finding on a line that already names the file: the rule alone when it is about the whole file. */
    private String sameLine(ConfigProblem problem) {
        return isWholeFile(problem) ? problem.rule() : problem.describe(file);
    }

    private static boolean isWholeFile(ConfigProblem problem) {
        return problem.line() == 0 && problem.path().equals("$");
    }

    /** {@code file:line:column: path: rule}, or {@code file: rule} for a finding about the whole file. */
    static String describe(ConfigProblem problem, Path file) {
        return isWholeFile(problem) ? file + ": " + problem.rule() : problem.describe(file);
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
