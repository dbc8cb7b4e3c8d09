package dev.otto.api.tools;

/** How a hook ended. */
public enum HookStatus {
    /** Exited with status 0. */
    OK("ok"),
    /** Exited with a non-zero status. */
    FAILED("failed"),
    /** Ran longer than its timeout and was killed, with every process it started. */
    TIMED_OUT("timed_out"),
    /** Its executable was not found (or, for {@code python}, no Python 3 was). */
    NOT_FOUND("not_found"),
    /** It could not be started. */
    ERROR("error");

    private final String wireName;

    HookStatus(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name used in records.
     *
     * @return e.g. {@code timed_out}
     */
    public String wireName() {
        return wireName;
    }
}
