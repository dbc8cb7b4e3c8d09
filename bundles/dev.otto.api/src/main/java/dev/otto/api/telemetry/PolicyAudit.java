package dev.otto.api.telemetry;

import java.util.Objects;

/**
 * Entries of a run's {@code policy_audit}: names of policy decisions taken during the run. The set
 * is open, but an entry is always a lower-case token ({@value #PATTERN}), never text.
 */
public final class PolicyAudit {

    /** The accepted form of an entry. */
    public static final String PATTERN = "[a-z][a-z0-9_]{0,63}";

    /** The caller gave no route type, so {@code api_key} was assumed. */
    public static final String ROUTE_TYPE_DEFAULTED = "route_type_defaulted";

    /** The chosen model was not in the catalog; the OpenCode global default was used. */
    public static final String MODEL_UNAVAILABLE = "model_unavailable";

    /** An explicit user override differing from the system default was applied. */
    public static final String POLICY_OVERRIDE = "policy_override";

    /** The plan was cut to the attempt budget. */
    public static final String ATTEMPT_BUDGET_APPLIED = "attempt_budget_applied";

    /** The fallback policy stopped the run before the plan was exhausted. */
    public static final String POLICY_STOPPED = "policy_stopped";

    /** The run's deadline ended it. */
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";

    /** A model of the fallback chain is not in the catalog snapshot: skipped before any attempt. */
    public static final String CHAIN_MODEL_UNAVAILABLE = "chain_model_unavailable";

    /** A model was skipped because it is cooling down after a {@code Retry-After}. */
    public static final String MODEL_COOLING_DOWN = "model_cooling_down";

    /**
     * Models were skipped because an attempt failed on their provider in a way all its models
     * share (credentials, quota, unreachable).
     */
    public static final String PROVIDER_SKIPPED = "provider_skipped";

    /**
     * No model of the fallback chain was available, so the OpenCode global default was added as the
     * last model of the plan.
     */
    public static final String GLOBAL_DEFAULT_LAST_RESORT = "global_default_last_resort";

    /** Every model of the plan was cooling down: the run failed at once, without an attempt. */
    public static final String ALL_COOLING_DOWN = "all_cooling_down";

    private PolicyAudit() {
    }

    /**
     * Tells whether a text is an acceptable entry.
     *
     * @param entry the text, may be null
     * @return true if it matches {@value #PATTERN}
     */
    public static boolean isValid(String entry) {
        // the same test as PATTERN, without a regex matcher: every run's record checks its entries
        if (entry == null || entry.isEmpty() || entry.length() > 64) {
            return false;
        }
        char first = entry.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the entry if it is acceptable.
     *
     * @param entry the entry
     * @return {@code entry}
     * @throws IllegalArgumentException if it does not match {@value #PATTERN}
     */
    public static String require(String entry) {
        Objects.requireNonNull(entry, "policy audit entry must not be null");
        if (!isValid(entry)) {
            throw new IllegalArgumentException("policy audit entry of " + entry.length()
                    + " characters is not a token: expected " + PATTERN + ", e.g. " + ROUTE_TYPE_DEFAULTED);
        }
        return entry;
    }
}
