package dev.otto.scheduler;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * When a job runs: an ISO-8601 interval ({@code PT15M}, {@code P1D}) or a five-field Unix cron
 * expression ({@code 0 3 * * *}) in the scheduler's time zone, parsed by cron-utils.
 */
abstract class Schedule {

    private static final CronParser UNIX_CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** The shortest interval accepted: a job is not a busy loop. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    /**
     * Returns the first time the job is due strictly after {@code last}.
     *
     * @param last when it last started, or the anchor of a job that never ran
     * @return the next due time; {@link Instant#MAX} if it is never due again
     */
    abstract Instant nextAfter(Instant last);

    /**
     * Parses a job's schedule.
     *
     * @param text the schedule as stored
     * @param zone the time zone of cron expressions
     * @return the schedule
     * @throws IllegalArgumentException saying what was wrong and showing the accepted forms
     */
    static Schedule parse(String text, ZoneId zone) {
        Objects.requireNonNull(text, "schedule must not be null");
        String s = text.strip();
        if (s.startsWith("P") || s.startsWith("p")) {
            Duration every;
            try {
                every = Duration.parse(s);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("schedule '" + text + "' is not an ISO-8601 interval: expected e.g."
                        + " PT15M, PT1H or P1D (days, hours, minutes, seconds), or a cron expression such as '0 3 * * *'");
            }
            if (every.compareTo(MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException("schedule '" + text + "' is shorter than " + MIN_INTERVAL
                        + ": expected an interval of at least one second");
            }
            return new Interval(every);
        }
        try {
            return new Cron(ExecutionTime.forCron(UNIX_CRON.parse(s).validate()), zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule '" + text + "' is neither an ISO-8601 interval nor a cron"
                    + " expression (" + e.getMessage() + "): expected e.g. PT15M, P1D or five cron fields"
                    + " 'minute hour day-of-month month day-of-week' such as '0 3 * * *'");
        }
    }

    /** Every fixed duration after the last start. */
    static final class Interval extends Schedule {
        private final Duration every;

        Interval(Duration every) {
            this.every = every;
        }

        @Override
        Instant nextAfter(Instant last) {
            try {
                return last.plus(every);
            } catch (DateTimeException | ArithmeticException e) {
                return Instant.MAX;
            }
        }

        @Override
        public String toString() {
            return "every " + every;
        }
    }

    /** The next cron time after the last start. */
    static final class Cron extends Schedule {
        private final ExecutionTime times;
        private final ZoneId zone;

        Cron(ExecutionTime times, ZoneId zone) {
            this.times = times;
            this.zone = zone;
        }

        @Override
        Instant nextAfter(Instant last) {
            return times.nextExecution(ZonedDateTime.ofInstant(last, zone)).map(ZonedDateTime::toInstant)
                    .orElse(Instant.MAX);
        }
    }
}
