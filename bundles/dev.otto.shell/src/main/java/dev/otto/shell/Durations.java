package dev.otto.shell;

import java.time.Duration;
import java.time.Instant;

/**
 * Human durations for shell output: {@code 850ms}, {@code 42s}, {@code 3m12s}, {@code 1m02s},
 * {@code 5m}, {@code 3h12m}, {@code 2d4h}; times relative to now: {@code 3h12m ago}, {@code in 1m42s}.
 */
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
            return (seconds / 60) + "m" + (seconds % 60 == 0 ? "" : twoDigits(seconds % 60) + "s");
        }
        if (seconds < 86_400) {
            long minutes = (seconds % 3_600) / 60;
            return (seconds / 3_600) + "h" + (minutes == 0 ? "" : twoDigits(minutes) + "m");
        }
        long hours = (seconds % 86_400) / 3_600;
        return (seconds / 86_400) + "d" + (hours == 0 ? "" : hours + "h");
    }

    /**
     * How long something took, with tenths of a second under ten seconds ({@code 1.2s}), where an
     * operator compares attempts against deadlines of a few seconds.
     */
    static String elapsed(Duration duration) {
        long millis = duration.toMillis();
        if (millis >= 1_000 && millis < 10_000) {
            return (millis / 1_000) + "." + (millis % 1_000) / 100 + "s";
        }
        return format(duration);
    }

    /** An age for display: {@code 3h12m ago}. */
    static String ago(Duration age) {
        return format(age) + " ago";
    }

    /** A time ahead for display: {@code in 1m42s}, or {@code now} once it has come. */
    static String fromNow(Instant when, Instant now) {
        Duration left = Duration.between(now, when);
        return left.isNegative() || left.isZero() ? "now" : "in " + format(left);
    }

    /** What is left until a time: {@code for another 1m02s}, or {@code ending now} once it has come. */
    static String remaining(Instant until, Instant now) {
        Duration left = Duration.between(now, until);
        return left.isNegative() || left.isZero() ? "ending now" : "for another " + format(left);
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : String.valueOf(value);
    }
}
