package dev.otto.api.job;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a job run ended, or that it is still running. Wire names are stored in {@code job_runs.outcome}. */
public enum JobRunOutcome {
    /** Started and not finished yet (or the process died while it ran, until the scheduler next starts). */
    RUNNING("running"),
    /** A model answered. */
    SUCCESS("success"),
    /** No attempt succeeded: the plan was exhausted, the policy stopped or no model resolved. */
    FAILED("failed"),
    /** The run's deadline passed before a model answered. */
    TIMED_OUT("timed_out"),
    /** Cut short because the scheduler stopped (or Otto died) while it ran: not the job's failure. */
    ABORTED("aborted"),
    /**
     * Not routed: the job's pre-run hook failed (the run's note says how). Neither a success nor a
     * failure of the job's model runs, so it neither ends nor extends a run of failures.
     *
     * @since 1.2
     */
    SKIPPED("skipped");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(JobRunOutcome::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    JobRunOutcome(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in the database and in JSON output.
     *
     * @return the wire name, e.g. {@code timed_out}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Tells whether this outcome counts towards a job's run of failures (the watchdog's count).
     *
     * @return true for {@link #FAILED} and {@link #TIMED_OUT}
     */
    public boolean isFailure() {
        return this == FAILED || this == TIMED_OUT;
    }

    /**
     * Returns the constant with the given wire name (exact, case-sensitive).
     *
     * @param wireName the wire name
     * @return the constant
     * @throws IllegalArgumentException if the name is null or unknown; the message lists the accepted names
     */
    public static JobRunOutcome fromWire(String wireName) {
        for (JobRunOutcome value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown job run outcome "
                + (wireName == null ? "null" : "\"" + wireName + "\"") + ": expected one of " + ACCEPTED);
    }
}
