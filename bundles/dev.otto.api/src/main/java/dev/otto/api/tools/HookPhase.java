package dev.otto.api.tools;

/** When a job hook runs. */
public enum HookPhase {
    /** Before the run; when it fails, the run is skipped. */
    PRE_RUN("pre_run", "pre-run"),
    /** After the run, whatever its outcome. */
    POST_RUN("post_run", "post-run");

    private final String wireName;
    private final String label;

    HookPhase(String wireName, String label) {
        this.wireName = wireName;
        this.label = label;
    }

    /**
     * Returns the name used in records and in the hook's {@code OTTO_HOOK_PHASE} variable.
     *
     * @return {@code pre_run} or {@code post_run}
     */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the name used in messages.
     *
     * @return {@code pre-run} or {@code post-run}
     */
    public String label() {
        return label;
    }
}
