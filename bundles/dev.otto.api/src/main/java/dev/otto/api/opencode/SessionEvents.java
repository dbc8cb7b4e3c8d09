package dev.otto.api.opencode;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The events of one OpenCode session, in the order the server sent them. The connection listens
 * to {@code GET /event} without a {@code directory}, which carries the sessions of the server's own
 * directory: sessions created without a {@code directory} (as Otto creates them).
 */
@ProviderType
public interface SessionEvents extends AutoCloseable {

    /**
     * The type of the connection's own event that says events may have been missed: the stream
     * was down or reconnected, or the subscription's queue overflowed. A subscriber then reads the
     * session's state once over HTTP.
     */
    String GAP = "otto.gap";

    /**
     * Waits for the next event.
     *
     * @param timeout the longest wait
     * @return the event, or null if none came in time
     * @throws InterruptedException if the waiting thread was interrupted
     */
    OpenCodeEvent next(Duration timeout) throws InterruptedException;

    /**
     * Tells whether the event stream is connected now. While it is not, a subscriber must poll.
     *
     * @return true if events are arriving
     */
    boolean live();

    /** Stops the subscription; later events of the session are discarded. */
    @Override
    void close();
}
