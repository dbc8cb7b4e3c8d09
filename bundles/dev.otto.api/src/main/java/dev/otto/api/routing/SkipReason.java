package dev.otto.api.routing;

/**
 * Why a model of the attempt plan was not tried. Each costs no attempt and no time of the run's
 * deadline. Wire names are stable: the shell, telemetry and reports show them.
 */
public enum SkipReason {
    /** The catalog snapshot the plan was made with does not have the model. */
    NOT_IN_CATALOG("not_in_catalog"),
    /** The model answered with a {@code Retry-After} that has not passed yet. */
    COOLING_DOWN("cooling_down"),
    /**
     * An earlier attempt of the same run failed on this model's provider in a way every model of
     * that provider shares: credentials, quota, or the provider cannot be reached.
     */
    PROVIDER_FAILED("provider_failed");

    private final String wireName;

    SkipReason(String wireName) {
        this.wireName = wireName;
    }

    /**
     * Returns the name used in shell output and telemetry.
     *
     * @return the wire name, e.g. {@code not_in_catalog}
     */
    public String wireName() {
        return wireName;
    }
}
