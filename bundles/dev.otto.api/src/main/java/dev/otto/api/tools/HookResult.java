package dev.otto.api.tools;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one hook ran. {@code toString()} leaves the output out: it is the hook's business and may
 * hold anything.
 *
 * @param phase when it ran
 * @param program the program as the command named it
 * @param status how it ended
 * @param exitCode its exit status, or null when it did not exit by itself (timeout, not started)
 * @param output what it wrote to stdout and stderr, merged, cut to the configured limit
 * @param outputBytes how many bytes it wrote in all, 0 or more
 * @param outputTruncated whether {@code output} was cut
 * @param duration how long it ran
 * @param reason one line saying what happened, e.g. {@code pre-run hook check.sh exited with status 3}
 */
public record HookResult(HookPhase phase, String program, HookStatus status, Integer exitCode, String output,
        long outputBytes, boolean outputTruncated, Duration duration, String reason) {

    /** Validates the fields. */
    public HookResult {
        Objects.requireNonNull(phase, "phase must not be null");
        Objects.requireNonNull(program, "program must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(output, "output must not be null");
        Objects.requireNonNull(duration, "duration must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        if (outputBytes < 0) {
            throw new IllegalArgumentException("outputBytes is " + outputBytes + ": expected 0 or more");
        }
        if (status == HookStatus.OK && (exitCode == null || exitCode != 0)) {
            throw new IllegalArgumentException("status ok needs exit code 0, got " + exitCode);
        }
    }

    /**
     * Returns whether the hook succeeded.
     *
     * @return true if it exited with status 0
     */
    public boolean succeeded() {
        return status == HookStatus.OK;
    }

    /**
     * Returns why the run must be skipped: a pre-run hook that did not succeed.
     *
     * @return the reason to record, or empty if the run goes ahead
     */
    public Optional<String> skipReason() {
        return phase == HookPhase.PRE_RUN && !succeeded() ? Optional.of("skipped: " + reason) : Optional.empty();
    }

    @Override
    public String toString() {
        return "HookResult[phase=" + phase.wireName() + ", program=" + program + ", status=" + status.wireName()
                + ", exitCode=" + exitCode + ", output=<" + outputBytes + " bytes" + (outputTruncated ? ", cut" : "")
                + ">, duration=" + duration + ", reason=" + reason + "]";
    }
}
