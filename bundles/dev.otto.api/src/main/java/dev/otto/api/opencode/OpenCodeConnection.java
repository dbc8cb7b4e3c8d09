package dev.otto.api.opencode;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The connection to the OpenCode server Otto works with: the server at
 * {@code modelManagement.catalog.opencodeUrl}, or the one Otto started itself
 * ({@code bin/otto --with-opencode}). One HTTP client with the server's credentials (never logged,
 * never in a message), and one subscription to its event stream ({@code GET /event}) shared by
 * every caller and demultiplexed by session id.
 *
 * <p>Thread-safe. Every call is bounded by the deadline it is given.
 */
@ProviderType
public interface OpenCodeConnection {

    /**
     * Sends {@code GET path}.
     *
     * @param path the path below the server's URL, e.g. {@code /config/providers}
     * @param deadline when the whole exchange, headers and body, must be over
     * @param maxBytes the largest body accepted
     * @return the answer, status 2xx
     * @throws OpenCodeException if the server could not be reached in time, answered another
     *     status, or sent more than {@code maxBytes}
     * @throws InterruptedException if the calling thread was interrupted
     */
    OpenCodeResponse get(String path, Instant deadline, long maxBytes) throws OpenCodeException, InterruptedException;

    /**
     * Sends {@code POST path} with a JSON body.
     *
     * @param path the path
     * @param json the body, JSON in UTF-8
     * @param deadline when the exchange must be over
     * @return the answer, status 2xx
     * @throws OpenCodeException as for {@link #get}
     * @throws InterruptedException if the calling thread was interrupted
     */
    OpenCodeResponse post(String path, byte[] json, Instant deadline) throws OpenCodeException, InterruptedException;

    /**
     * Sends {@code DELETE path}.
     *
     * @param path the path
     * @param deadline when the exchange must be over
     * @return the answer, status 2xx
     * @throws OpenCodeException as for {@link #get}
     * @throws InterruptedException if the calling thread was interrupted
     */
    OpenCodeResponse delete(String path, Instant deadline) throws OpenCodeException, InterruptedException;

    /**
     * Starts receiving the events of one session. Events that arrive after this call are queued
     * for the subscription until it is closed; the queue is bounded and an overflow is reported
     * as a {@link SessionEvents#GAP} event, as is every reconnect of the stream, so that the
     * subscriber knows to read the session's state once.
     *
     * @param sessionId the OpenCode session id
     * @return the subscription; close it when done
     */
    SessionEvents subscribe(String sessionId);

    /**
     * Returns what the connection knows of itself, for operators.
     *
     * @return the status
     */
    OpenCodeStatus status();
}
