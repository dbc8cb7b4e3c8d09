package dev.otto.opencode;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;

/**
 * The {@link OpenCodeConnection} without OSGi: the current server (an immutable
 * {@link OpenCodeHttp}, swapped whole when the URL or the connect timeout changes, so a call in
 * flight finishes on the server it started with), the event stream and its subscriptions, and the
 * managed process if Otto started the server.
 */
final class ServerConnection implements OpenCodeConnection, AutoCloseable {

    private final Credentials credentials;
    private final ManagedOpenCode managed; // null unless Otto started the server
    private final Subscriptions subscriptions;
    private final EventStream events;
    private final Log log;
    private volatile OpenCodeHttp http;
    private volatile String lastError;

    /**
     * Creates the connection; {@link #start()} connects the stream.
     *
     * @param url the server (ignored when {@code managed} is given: its URL is used)
     * @param managed the process Otto started, or null
     */
    ServerConnection(URI url, Duration connectTimeout, Credentials credentials, ManagedOpenCode managed,
            int queueCapacity, EventStream.Timing timing, Log log) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.managed = managed;
        this.log = log;
        this.http = new OpenCodeHttp(managed != null ? managed.url() : url, connectTimeout, credentials);
        this.subscriptions = new Subscriptions(queueCapacity, this::eventsLive);
        this.events = new EventStream(() -> http, subscriptions, timing, log, problem -> lastError = problem);
    }

    /** Connects the event stream (in the background), so that a first run does not wait for it. */
    void start() {
        events.start();
    }

    /**
     * Applies a new configuration: a new URL reconnects the stream to it (calls in flight finish
     * on the old server); with a managed server the URL is not used.
     */
    synchronized void reconfigure(URI url, Duration connectTimeout) {
        OpenCodeHttp old = http;
        URI next = managed != null ? old.base() : url;
        if (next.equals(old.base()) && connectTimeout.equals(old.connectTimeout())) {
            return;
        }
        http = new OpenCodeHttp(next, connectTimeout, credentials);
        if (!next.equals(old.base())) {
            log.info("OpenCode URL changed from " + old.base() + " to " + next
                    + ": the event stream reconnects to it; calls in flight finish on the old one");
            events.retarget();
        }
    }

    private boolean eventsLive() {
        return events.connected();
    }

    @Override
    public OpenCodeResponse get(String path, Instant deadline, long maxBytes) throws OpenCodeException, InterruptedException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        return send("GET", path, null, deadline, maxBytes);
    }

    @Override
    public OpenCodeResponse post(String path, byte[] json, Instant deadline) throws OpenCodeException, InterruptedException {
        return send("POST", path, Objects.requireNonNull(json, "json"), deadline, OpenCodeHttp.DEFAULT_MAX_BYTES);
    }

    @Override
    public OpenCodeResponse delete(String path, Instant deadline) throws OpenCodeException, InterruptedException {
        return send("DELETE", path, null, deadline, OpenCodeHttp.DEFAULT_MAX_BYTES);
    }

    private OpenCodeResponse send(String method, String path, byte[] json, Instant deadline, long maxBytes)
            throws OpenCodeException, InterruptedException {
        Objects.requireNonNull(deadline, "deadline");
        try {
            return http.send(method, path, json, deadline, maxBytes);
        } catch (OpenCodeException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    @Override
    public SessionEvents subscribe(String sessionId) {
        return subscriptions.subscribe(sessionId);
    }

    @Override
    public OpenCodeStatus status() {
        return new OpenCodeStatus(http.base(), managed != null, managed == null ? 0 : managed.pid(), events.connected(),
                events.since(), events.reconnects(), lastError, subscriptions.count());
    }

    /** The stream's thread, for tests: alive from {@link #start()} until {@link #close()}. */
    boolean eventThreadAlive() {
        return events.threadAlive();
    }

    /** Stops the stream, then the managed server if there is one. */
    @Override
    public void close() {
        events.close();
        if (managed != null) {
            log.info("stopping the OpenCode server on " + managed.url() + " (pid " + managed.pid() + ")");
            managed.close();
        }
    }
}
