package dev.otto.shell;

import java.time.Duration;

/** Human durations for shell output: {@code 850ms}, {@code 42s}, {@code 3m12s}, {@code 3h12m}, {@code 2d4h}. */
final class Durations {

    private Durations() {
    }

    static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long millis = duration.toMillis();
        if (millis < 1_000) {
            return millis + "ms";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3_600) {
            return (seconds / 60) + "m" + (seconds % 60) + "s";
        }
        if (seconds < 86_400) {
            return (seconds / 3_600) + "h" + (seconds % 3_600) / 60 + "m";
        }
        return (seconds / 86_400) + "d" + (seconds % 86_400) / 3_600 + "h";
    }

    /** An age for display: {@code 3h12m ago}. */
    static String ago(Duration age) {
        return format(age) + " ago";
    }
}
