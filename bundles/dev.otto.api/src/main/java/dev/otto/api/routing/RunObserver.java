package dev.otto.api.routing;

import java.time.Instant;

import org.osgi.annotation.versioning.ConsumerType;

import dev.otto.api.model.ModelRef;

/**
 * Hears a run's steps as they happen, for a caller that shows progress (the shell prints each
 * step to the next model while the run is in flight).
 *
 * <p>The router calls it in the thread that called {@code run}, between attempts (a Gogo command's
 * {@code System.out} is that thread's session, so a command can print from it); a method must
 * return quickly and must not throw (what it throws is ignored). Every method does nothing by
 * default.
 */
@ConsumerType
public interface RunObserver {

    /** An observer that hears nothing. */
    RunObserver NONE = new RunObserver() {
    };

    /**
     * A model of the plan is skipped.
     *
     * @param skipped the model and why
     */
    default void skipped(SkippedModel skipped) {
    }

    /**
     * An attempt starts.
     *
     * @param number the attempt's number, from 1
     * @param model the model tried
     * @param deadline when the attempt ends at the latest
     */
    default void attemptStarted(int number, ModelRef model, Instant deadline) {
    }

    /**
     * An attempt failed.
     *
     * @param failed the attempt, with its reason and error class
     * @param next the model tried next, or null when the run ends
     */
    default void attemptFailed(Attempt failed, ModelRef next) {
    }
}
