package dev.otto.scheduler;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.regex.Pattern;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * When a job runs: an ISO-8601 interval ({@code PT15M}, {@code P1D}) or a five-field Unix cron
 * expression ({@code 0 3 * * *}) in the scheduler's time zone, parsed by cron-utils.
 *
 * <p>{@link #parse} is the one check of a schedule: {@code otto:job-add} and {@code otto:job-edit}
 * call it through {@link dev.otto.api.job.JobScheduler#checkSchedule} before a job is stored, and
 * the scheduler calls it on every tick. It accepts only schedules that fire: an interval from
 * {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}, a cron expression whose every step is 1 or more
 * and that matches at least one date (not {@code 0 0 30 2 *}).
 */
abstract class Schedule {

    private static final CronParser UNIX_CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /** The shortest interval accepted: a job is not a busy loop. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The longest interval accepted: a job that runs less than once a year is a cron job. */
    static final Duration MAX_INTERVAL = Duration.ofDays(366);
    /** The longest schedule text accepted, in characters. */
    static final int MAX_LENGTH = 100;

    private static final String FORMS = "expected an ISO-8601 interval such as PT15M, PT1H or P1D, or five cron"
            + " fields 'minute hour day-of-month month day-of-week' such as '0 3 * * *'";
    /** A step of zero: {@code /0}, {@code /00}, not {@code /05}. */
    private static final Pattern STEP_ZERO = Pattern.compile("/0+(?![0-9])");
    /** Where a cron expression is tried from to see whether it ever matches: 2000 is a leap year. */
    private static final Instant PROBE = Instant.parse("2000-01-01T00:00:00Z");

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
     * @return the schedule, which fires
     * @throws IllegalArgumentException with one line: the schedule, why it can never fire or is not
     *     understood, and the accepted forms
     */
    static Schedule parse(String text, ZoneId zone) {
        Objects.requireNonNull(text, "schedule must not be null");
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("the schedule is empty: " + FORMS);
        }
        if (s.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the schedule is " + s.length() + " characters long: at most "
                    + MAX_LENGTH + "; " + FORMS);
        }
        String shown = "schedule '" + s + "'";
        if (s.startsWith("-") || s.startsWith("+")) {
            throw new IllegalArgumentException(shown + " is a signed interval: an interval is positive, at least "
                    + MIN_INTERVAL + ", e.g. PT15M");
        }
        if (s.startsWith("P") || s.startsWith("p")) {
            return interval(s, shown);
        }
        String[] fields = s.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException(fields.length == 1
                    ? shown + " is neither an ISO-8601 interval nor a cron expression: " + FORMS
                    : shown + " has " + fields.length + " fields: a cron expression has five (minute hour"
                            + " day-of-month month day-of-week, no seconds or years), e.g. '0 3 * * *'");
        }
        if (STEP_ZERO.matcher(s).find()) {
            throw new IllegalArgumentException(shown + " has a step of 0 (/0), which never advances: a step is 1 or"
                    + " more, e.g. '*/5 * * * *' for every five minutes");
        }
        Cron cron;
        try {
            cron = new Cron(ExecutionTime.forCron(UNIX_CRON.parse(s).validate()), zone);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(shown + " is not a valid cron expression (" + e.getMessage()
                    + "): " + FORMS);
        }
        if (cron.nextAfter(PROBE).equals(Instant.MAX)) {
            throw new IllegalArgumentException(shown + " never fires: its day-of-month and month never meet"
                    + " (e.g. February 30 or April 31); give a date that exists");
        }
        return cron;
    }

    private static Schedule interval(String s, String shown) {
        Duration every;
        try {
            every = Duration.parse(s);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(shown + " is not an ISO-8601 interval: expected e.g. PT15M, PT1H or"
                    + " P1D (days, hours, minutes, seconds; no weeks, months or years), or a cron expression such"
                    + " as '0 3 * * *'");
        }
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException(shown + " is " + (every.isZero() ? "zero" : "negative")
                    + ": an interval is at least " + MIN_INTERVAL + ", e.g. PT15M");
        }
        if (every.compareTo(MIN_INTERVAL) < 0) {
            throw new IllegalArgumentException(shown + " is shorter than " + MIN_INTERVAL
                    + ": expected an interval of at least one second");
        }
        if (every.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException(shown + " is longer than " + MAX_INTERVAL.toDays() + " days: for"
                    + " rarer runs use a cron expression, e.g. '0 3 1 1 *' for once a year");
        }
        return new Interval(every);
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
