package dev.otto.scheduler;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.Objects;

/**
 * The scheduler's validated settings.
 *
 * @param tickInterval how often due jobs are looked for
 * @param failuresBeforeWatchdog failed runs in a row that trigger the watchdog run
 * @param watchdogPrompt the watchdog run's prompt, empty for none; never logged
 * @param maxParallelRuns most scheduled runs at once
 * @param shutdownGrace how long runs in flight may take to finish when the scheduler stops
 */
record Settings(Duration tickInterval, int failuresBeforeWatchdog, String watchdogPrompt, int maxParallelRuns,
        Duration shutdownGrace) {

    static final Duration MIN_TICK = Duration.ofMillis(100);

    Settings {
        Objects.requireNonNull(watchdogPrompt, "watchdogPrompt must not be null");
        if (tickInterval.compareTo(MIN_TICK) < 0) {
            throw new IllegalArgumentException("tickInterval is " + tickInterval + ": expected at least PT0.1S");
        }
        if (failuresBeforeWatchdog < 1) {
            throw new IllegalArgumentException("failuresBeforeWatchdog is " + failuresBeforeWatchdog + ": expected 1 or more");
        }
        if (maxParallelRuns < 1 || maxParallelRuns > 64) {
            throw new IllegalArgumentException("maxParallelRuns is " + maxParallelRuns + ": expected 1 to 64");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace is " + shutdownGrace + ": expected PT0S or more");
        }
    }

    /** The defaults of {@link SchedulerConfig}. */
    static Settings defaults() {
        return new Settings(Duration.ofSeconds(15), 3, "", 2, Duration.ofSeconds(30));
    }

    /**
     * Reads the configuration.
     *
     * @throws IllegalArgumentException naming the property that is wrong and what is expected
     */
    static Settings from(SchedulerConfig config) {
        return new Settings(duration("tickInterval", config.tickInterval()), config.failuresBeforeWatchdog(),
                config.watchdogPrompt() == null ? "" : config.watchdogPrompt().strip(), config.maxParallelRuns(),
                duration("shutdownGrace", config.shutdownGrace()));
    }

    Settings withWatchdog(int failures, String prompt) {
        return new Settings(tickInterval, failures, prompt, maxParallelRuns, shutdownGrace);
    }

    Settings withMaxParallelRuns(int max) {
        return new Settings(tickInterval, failuresBeforeWatchdog, watchdogPrompt, max, shutdownGrace);
    }

    Settings withShutdownGrace(Duration grace) {
        return new Settings(tickInterval, failuresBeforeWatchdog, watchdogPrompt, maxParallelRuns, grace);
    }

    private static Duration duration(String property, String text) {
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeException | NullPointerException e) {
            throw new IllegalArgumentException(property + " is '" + text + "': expected an ISO-8601 duration such as PT15S");
        }
    }

    /** The prompt is not shown: it is user content. */
    @Override
    public String toString() {
        return "Settings[tickInterval=" + tickInterval + ", failuresBeforeWatchdog=" + failuresBeforeWatchdog
                + ", watchdogPrompt=<" + (watchdogPrompt.isEmpty() ? "none" : watchdogPrompt.length() + " chars")
                + ">, maxParallelRuns=" + maxParallelRuns + ", shutdownGrace=" + shutdownGrace + "]";
    }
}
