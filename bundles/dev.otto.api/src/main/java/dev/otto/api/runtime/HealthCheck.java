package dev.otto.api.runtime;

/**
 * Something an Otto bundle owns that can break under it while Otto runs (a database file, a
 * telemetry folder, a cache), saying whether it is as it should be. {@code otto:status} lists every
 * registered check and is not ready while any of them reports a problem; a bundle registers one
 * per thing it owns instead of working on a ghost (a deleted, replaced or corrupt file) in silence.
 *
 * <p>Threading: {@link #problem()} is called from shell threads at any time, concurrently with the
 * owner's own work; it must be cheap (no I/O beyond a {@code stat}) and never throw.
 */
public interface HealthCheck {

    /** What is checked, as operators call it: {@code "job database"}, {@code "telemetry folder"}. */
    String name();

    /**
     * Null when all is well; otherwise one line saying what is wrong, with the path, and what to do
     * ("otto.db was deleted while Otto ran: restore it from a backup, or restart Otto to start a new
     * one"). Never a stack trace, never a secret.
     */
    String problem();
}
