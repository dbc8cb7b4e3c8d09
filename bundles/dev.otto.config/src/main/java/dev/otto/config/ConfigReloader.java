package dev.otto.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * file is deleted. Each version of the file is judged and reported once, however many times the
 * watcher calls.
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

    /** Reads the file and acts on it if it is a version not judged before. */
    synchronized void reload() {
        byte[] content;
        try {
            content = read(file);
        } catch (NoSuchFileException missing) {
            onMissing();
            return;
        } catch (IOException e) {
            onUnreadable(e);
            return;
        }
        byte[] digest = sha256(content);
        if (judgedOnce && lastSeen != null && Arrays.equals(digest, lastSeen)) {
            return; // the same version: already judged and reported
        }
        judgedOnce = true;
        lastSeen = digest;
        judge(parser.parse(file, content));
    }

    /** Validates any file without applying it. */
    ConfigCheck check(Path other) {
        try {
            return parser.parse(other, read(other));
        } catch (IOException e) {
            return new ConfigCheck(other, null, List.of(new ConfigProblem(ConfigProblem.Severity.ERROR, "$", 0, 0,
                    "the file cannot be read (" + e.getClass().getSimpleName() + ")")));
        }
    }

    private void judge(ConfigCheck check) {
        ModelManagementConfig applied = status.applied();
        if (!check.valid()) {
            publishOnce(applied);
            status = new ConfigStatus(file, ConfigStatus.State.REJECTED, applied, status.appliedAt(), check.problems());
            reporter.error("config " + file + " rejected, version " + applied.versionId() + " stays in force; "
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
            reporter.warn("config " + file + ": " + describe(check.warnings()));
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

    private void onUnreadable(IOException e) {
        publishOnce(status.applied());
        judgedOnce = true;
        lastSeen = new byte[0]; // a marker: judged, unreadable
        ConfigProblem problem = new ConfigProblem(ConfigProblem.Severity.ERROR, "$", 0, 0,
                "the file cannot be read (" + e.getClass().getSimpleName() + "); check its permissions");
        status = new ConfigStatus(file, ConfigStatus.State.REJECTED, status.applied(), status.appliedAt(), List.of(problem));
        reporter.error("config " + file + " rejected, version " + status.applied().versionId() + " stays in force; "
                + describe(List.of(problem)));
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

    private String describe(List<ConfigProblem> problems) {
        return problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
                + problems.stream().map(p -> System.lineSeparator() + "  " + p.describe(file)).collect(Collectors.joining());
    }

    /** Reads at most one byte more than the parser accepts, so a huge file costs nothing. */
    private static byte[] read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(ConfigParser.MAX_BYTES + 1);
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
