package dev.otto.api.opencode;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * The state of the connection to OpenCode, for {@code otto:status}.
 *
 * @param url the server's URL
 * @param managed whether Otto started the server itself ({@code --with-opencode})
 * @param pid the managed server's process id, or 0
 * @param eventsConnected whether the event stream is connected now
 * @param eventsSince when the stream last connected or went down, or null if never
 * @param reconnects how often the stream was connected again after losing it
 * @param lastError the last problem of the stream or a request, without secrets, or null
 * @param subscriptions the sessions being listened to now
 */
public record OpenCodeStatus(URI url, boolean managed, long pid, boolean eventsConnected, Instant eventsSince,
        long reconnects, String lastError, int subscriptions) {

    /** Validates the fields. */
    public OpenCodeStatus {
        Objects.requireNonNull(url, "url must not be null");
    }
}
