package dev.otto.api.job;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Why a job run started. Wire names are stored in {@code job_runs.triggered_by}. */
public enum JobRunTrigger {
    /** The job was due by its schedule. */
    SCHEDULE("schedule"),
    /** An operator ran it now ({@code otto:job-run}). */
    MANUAL("manual"),
    /**
     * The {@code watchdogFailures} run about this job, routed after it failed too many times in a
     * row; it is recorded under the failing job's id but is not one of that job's own runs.
     */
    WATCHDOG("watchdog");

    private static final String ACCEPTED =
            Arrays.stream(values()).map(JobRunTrigger::wireName).collect(Collectors.joining(", "));

    private final String wireName;

    JobRunTrigger(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the exact name used in the database and in JSON output.
     *
     * @return the wire name, e.g. {@code schedule}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the constant with the given wire name (exact, case-sensitive).
     *
     * @param wireName the wire name
     * @return the constant
     * @throws IllegalArgumentException if the name is null or unknown; the message lists the accepted names
     */
    public static JobRunTrigger fromWire(String wireName) {
        for (JobRunTrigger value : values()) {
            if (value.wireName.equals(wireName)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown job run trigger "
                + (wireName == null ? "null" : "\"" + wireName + "\"") + ": expected one of " + ACCEPTED);
    }
}
