package dev.otto.tools;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Reads the ISO-8601 durations of {@link ToolsConfig}. */
final class Durations {

    private Durations() {
    }

    static Duration positive(String value, String property) {
        try {
            Duration duration = Duration.parse(value.strip());
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException(ToolsConfig.PID + " " + property + " is " + value
                        + ": expected a positive ISO-8601 duration such as PT60S");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(ToolsConfig.PID + " " + property + " is \"" + value
                    + "\": expected an ISO-8601 duration such as PT60S", e);
        }
    }
}
