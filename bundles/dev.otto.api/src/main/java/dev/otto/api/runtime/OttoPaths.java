package dev.otto.api.runtime;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.Function;

/**
 * Otto's file locations.
 *
 * <p>Each location is taken from an environment variable, else a property, else a default under
 * the home directory: {@value #ENV_CONFIG} / {@value #PROP_CONFIG} /
 * {@code ~/.config/otto/config.jsonc} for the config file and {@value #ENV_DATA_DIR} /
 * {@value #PROP_DATA_DIR} / {@code ~/.otto/data} for the data directory. Blank values count as
 * unset, and a leading {@code ~/} is expanded to the home directory (a quoted {@code ~} is not
 * expanded by the shell). Inside OSGi, bundles pass {@code BundleContext::getProperty} as the
 * property lookup, which falls back to system properties.
 *
 * @param configFile the config file
 * @param dataDir the data directory
 */
public record OttoPaths(Path configFile, Path dataDir) {

    /** Environment variable overriding the config file. */
    public static final String ENV_CONFIG = "OTTO_CONFIG";

    /** Property ({@code -Dotto.config}) overriding the config file, below the environment. */
    public static final String PROP_CONFIG = "otto.config";

    /** Environment variable overriding the data directory. */
    public static final String ENV_DATA_DIR = "OTTO_DATA_DIR";

    /** Property ({@code -Dotto.data}) overriding the data directory, below the environment. */
    public static final String PROP_DATA_DIR = "otto.data";

    /** File name of the catalog cache in the data directory. */
    public static final String CATALOG_CACHE_FILE = "model-catalog-cache.json";

    /** File name of the SQLite database in the data directory. */
    public static final String DATABASE_FILE = "otto.db";

    /** Name of the telemetry directory in the data directory. */
    public static final String TELEMETRY_DIR = "telemetry";

    /** Name of the log directory in the data directory. */
    public static final String LOGS_DIR = "logs";

    /** The running Otto's console socket, in the data directory. */
    public static final String CONSOLE_SOCKET = "otto.sock";

    /** File name of the current log file in the log directory. */
    public static final String LOG_FILE = "otto.log";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE;

    /** Validates the fields. */
    public OttoPaths {
        Objects.requireNonNull(configFile, "configFile must not be null");
        Objects.requireNonNull(dataDir, "dataDir must not be null");
    }

    /**
     * Resolves the locations from the given lookups; pure, for tests and for bundles.
     *
     * @param env environment lookup, returning null for unset variables
     * @param props property lookup, returning null for unset properties
     * @param home the user's home directory
     * @return the locations
     */
    public static OttoPaths resolve(Function<String, String> env, Function<String, String> props, Path home) {
        Objects.requireNonNull(env, "env must not be null");
        Objects.requireNonNull(props, "props must not be null");
        Objects.requireNonNull(home, "home must not be null");
        Path config = pick(env.apply(ENV_CONFIG), props.apply(PROP_CONFIG), home,
                home.resolve(".config").resolve("otto").resolve("config.jsonc"));
        Path data = pick(env.apply(ENV_DATA_DIR), props.apply(PROP_DATA_DIR), home,
                home.resolve(".otto").resolve("data"));
        return new OttoPaths(config, data);
    }

    /**
     * Resolves the locations from {@code System.getenv}, {@code System.getProperty} and
     * {@code user.home}; for the launcher and tools outside OSGi.
     *
     * @return the locations
     */
    public static OttoPaths fromSystem() {
        return resolve(System::getenv, System::getProperty, Path.of(System.getProperty("user.home")));
    }

    /**
     * Returns the catalog cache file.
     *
     * @return {@code <data>/model-catalog-cache.json}
     */
    public Path catalogCache() {
        return dataDir.resolve(CATALOG_CACHE_FILE);
    }

    /**
     * Returns the SQLite database file.
     *
     * @return {@code <data>/otto.db}
     */
    public Path database() {
        return dataDir.resolve(DATABASE_FILE);
    }

    /**
     * Returns the telemetry directory.
     *
     * @return {@code <data>/telemetry}
     */
    public Path telemetryDir() {
        return dataDir.resolve(TELEMETRY_DIR);
    }

    /**
     * Returns the telemetry file of one day.
     *
     * @param day the day (UTC, as telemetry timestamps are)
     * @return {@code <data>/telemetry/otto-YYYY-MM-DD.jsonl}
     */
    public Path telemetryFile(LocalDate day) {
        return telemetryDir().resolve(telemetryFileName(day));
    }

    /**
     * Returns the name of a day's telemetry file.
     *
     * @param day the day
     * @return {@code otto-YYYY-MM-DD.jsonl}
     */
    public static String telemetryFileName(LocalDate day) {
        Objects.requireNonNull(day, "day must not be null");
        return "otto-" + DAY.format(day) + ".jsonl";
    }

    /**
     * Returns the console socket of the running Otto of this data directory (see {@link ConsoleWire}).
     *
     * @return {@code <data>/otto.sock}
     */
    public Path consoleSocket() {
        return dataDir.resolve(CONSOLE_SOCKET);
    }

    /**
     * Returns the log directory.
     *
     * @return {@code <data>/logs}
     */
    public Path logsDir() {
        return dataDir.resolve(LOGS_DIR);
    }

    /**
     * Returns the current log file.
     *
     * @return {@code <data>/logs/otto.log}
     */
    public Path logFile() {
        return logsDir().resolve(LOG_FILE);
    }

    private static Path pick(String fromEnv, String fromProps, Path home, Path fallback) {
        String value = !isBlank(fromEnv) ? fromEnv : !isBlank(fromProps) ? fromProps : null;
        if (value == null) {
            return fallback;
        }
        value = value.strip();
        if (value.equals("~")) {
            return home;
        }
        if (value.startsWith("~/")) {
            return home.resolve(value.substring(2));
        }
        return Path.of(value);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
