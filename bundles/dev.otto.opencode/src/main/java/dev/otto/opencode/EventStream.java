package dev.otto.opencode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeException.Cause;

/**
 * The one subscription to OpenCode's {@code GET /event}, kept connected by one daemon thread
 * ({@value #THREAD_NAME}) from {@link #start()} to {@link #close()}: it reads the stream, hands each
 * event to the subscriptions of its session, and after the stream ends or fails reconnects with
 * capped, jittered exponential backoff. Every connect and every loss gives each open subscription
 * one GAP, and {@link #connected()} is false from the loss to the next connect, so subscribers
 * know when to poll. A loss is logged once per outage (warn), its recovery once (info).
 *
 * <p>A stream on which OpenCode has sent its heartbeat ({@code server.heartbeat}, every 10 s) and
 * that then stays silent for {@link Timing#heartbeatLimit()} is taken as dead and reconnected: a
 * hung server or a half-open connection does not pass for a live stream.
 */
final class EventStream implements AutoCloseable {

    static final String THREAD_NAME = "otto-opencode-events";
    static final String PATH = "/event";
    static final String REQUEST = "GET " + PATH;

    /** Events larger than this are skipped (a GAP for everyone instead). */
    static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    /** The stream's time limits; tests shorten them. */
    record Timing(Duration backoffBase, Duration backoffCap, Duration resetAfter, Duration headersTimeout,
            Duration heartbeatLimit, Duration stopWait) {

        /** 100 ms doubling to 5 s; reset after 10 s connected; 30 s without a byte after heartbeats is dead. */
        static final Timing DEFAULT = new Timing(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    private final Supplier<OpenCodeHttp> target;
    private final Subscriptions subscriptions;
    private final Timing timing;
    private final Backoff backoff;
    private final Log log;
    private final Consumer<String> problems;
    private final Thread thread;

    private final Object lock = new Object();
    private boolean stopping; // guarded by lock
    private boolean retargeted; // guarded by lock
    private CompletableFuture<HttpResponse<InputStream>> opening; // guarded by lock
    private Link current; // guarded by lock

    private volatile boolean connected;
    private volatile Instant since;
    private final AtomicLong reconnects = new AtomicLong();

    /** One connected stream. */
    private static final class Link {
        final URI url;
        final InputStream body;
        final SseReader reader;
        volatile boolean heartbeats;
        volatile String abortReason;

        Link(URI url, InputStream body) {
            this.url = url;
            this.body = body;
            this.reader = new SseReader(body, MAX_EVENT_BYTES);
        }
    }

    EventStream(Supplier<OpenCodeHttp> target, Subscriptions subscriptions, Timing timing, Log log, Consumer<String> problems) {
        this.target = target;
        this.subscriptions = subscriptions;
        this.timing = timing;
        this.backoff = new Backoff(timing.backoffBase(), timing.backoffCap(), () -> ThreadLocalRandom.current().nextDouble());
        this.log = log;
        this.problems = problems;
        this.thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean connected() {
        return connected;
    }

    /** When the stream last connected or went down; null before the first attempt ended either way. */
    Instant since() {
        return since;
    }

    long reconnects() {
        return reconnects.get();
    }

    /** Drops the current connection (if any) and connects at once to what the target now is. */
    void retarget() {
        synchronized (lock) {
            retargeted = true;
            abortLocked("the OpenCode URL changed");
            lock.notifyAll();
        }
    }

    /** Stops the thread: closes the stream and waits for the thread, at most {@link Timing#stopWait()}. */
    @Override
    public void close() {
        synchronized (lock) {
            stopping = true;
            abortLocked("stopping");
            lock.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(timing.stopWait().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("the OpenCode event stream thread did not stop within " + timing.stopWait() + "; leaving it (a daemon)");
        }
    }

    boolean threadAlive() {
        return thread.isAlive();
    }

    private void run() {
        int failures = 0;
        boolean everConnected = false;
        long outageStart = 0; // nanoTime when the outage began; 0 while there is none
        int attempts = 0; // connect attempts in the current outage
        while (true) {
            OpenCodeHttp http;
            synchronized (lock) {
                if (stopping) {
                    break;
                }
                retargeted = false;
                http = target.get();
            }
            long connectedAt = 0;
            String problem;
            try {
                Link link = open(http);
                connectedAt = System.nanoTime();
                onConnected(link, everConnected, outageStart, attempts);
                everConnected = true;
                outageStart = 0;
                attempts = 0;
                problem = read(link);
            } catch (OpenCodeException e) {
                problem = e.getMessage();
            } catch (InterruptedException e) {
                problem = "interrupted";
            } catch (RuntimeException e) {
                // a bug must not end the stream for the rest of the process
                problem = "unexpected " + e.getClass().getSimpleName();
            } finally {
                synchronized (lock) {
                    current = null;
                }
            }
            boolean moved;
            boolean stop;
            synchronized (lock) {
                stop = stopping;
                moved = retargeted;
            }
            Thread.interrupted(); // an interrupt is only ever a stop or retarget signal, handled here
            boolean outage = !stop && !moved;
            if (outage) {
                // recorded and logged before the subscriptions hear of the loss: whoever sees the GAP
                // finds the problem in status() and the log
                if (connectedAt == 0 && since == null) {
                    since = Instant.now(); // the first attempt failed: down since now
                }
                problems.accept(problem);
                attempts++;
                if (outageStart == 0) {
                    outageStart = System.nanoTime();
                    log.warn(connectedAt != 0
                            ? "OpenCode event stream lost: " + problem + "; reconnecting, runs poll OpenCode until it is back"
                            : "OpenCode event stream cannot connect: " + problem
                                    + "; retrying, runs poll OpenCode until it connects");
                }
            }
            if (connectedAt != 0) {
                connected = false;
                since = Instant.now();
                subscriptions.gapAll("disconnected", System.nanoTime());
            }
            if (stop) {
                break;
            }
            if (moved) {
                failures = 0;
                continue; // reconnect at once, to the new URL; not an outage
            }
            if (connectedAt != 0 && System.nanoTime() - connectedAt >= timing.resetAfter().toNanos()) {
                failures = 0;
            }
            pause(backoff.after(failures));
            failures = Math.min(failures + 1, 30);
        }
        connected = false;
    }

    private Link open(OpenCodeHttp http) throws OpenCodeException, InterruptedException {
        CompletableFuture<HttpResponse<InputStream>> response = http.openEventStream(PATH);
        synchronized (lock) {
            if (stopping || retargeted) {
                OpenCodeHttp.abandon(response);
                throw new InterruptedException();
            }
            opening = response;
        }
        HttpResponse<InputStream> answer;
        try {
            answer = response.get(http.connectTimeout().plus(timing.headersTimeout()).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            OpenCodeHttp.abandon(response);
            throw new OpenCodeException(http.base(), Cause.TIMED_OUT, 0, REQUEST, null);
        } catch (CancellationException e) {
            throw new InterruptedException(); // stop or retarget
        } catch (InterruptedException e) {
            OpenCodeHttp.abandon(response);
            throw e;
        } catch (ExecutionException e) {
            throw http.classify(e.getCause(), REQUEST);
        } finally {
            synchronized (lock) {
                opening = null;
            }
        }
        OpenCodeException error = http.statusError(answer.statusCode(), REQUEST);
        String type = answer.headers().firstValue("Content-Type").orElse("");
        if (error == null && !type.startsWith("text/event-stream")) {
            error = new OpenCodeException(http.base(), Cause.HTTP_ERROR, answer.statusCode(), REQUEST,
                    "not an event stream; is the URL an OpenCode server?");
        }
        if (error != null) {
            OpenCodeHttp.closeQuietly(answer.body());
            throw error;
        }
        Link link = new Link(http.base(), answer.body());
        synchronized (lock) {
            if (stopping || retargeted) {
                OpenCodeHttp.closeQuietly(answer.body());
                throw new InterruptedException();
            }
            current = link;
        }
        return link;
    }

    private void onConnected(Link link, boolean reconnect, long outageStart, int attempts) {
        // logged first: whoever sees the stream connected (status, GAP) finds the line already written
        if (outageStart != 0) {
            Duration down = Duration.ofNanos(System.nanoTime() - outageStart);
            log.info("OpenCode event stream connected again to " + link.url + " after " + seconds(down) + " ("
                    + attempts + (attempts == 1 ? " failed attempt)" : " failed attempts)"));
        } else {
            log.info("OpenCode event stream connected to " + link.url);
        }
        connected = true;
        since = Instant.now();
        if (reconnect) {
            reconnects.incrementAndGet();
        }
        subscriptions.gapAll("connected", System.nanoTime());
        watch(link);
    }

    /** Reads the stream until it ends; returns why it ended. */
    private String read(Link link) {
        SseReader.Listener listener = new SseReader.Listener() {
            @Override
            public void event(byte[] data, int length) {
                long received = System.nanoTime();
                if (length == 0) {
                    return;
                }
                EventEnvelope envelope = EventEnvelope.read(data, length);
                if (envelope == null) {
                    // whose it was is unknown: everyone reads their session once
                    subscriptions.gapAll("unreadable event", received);
                    return;
                }
                if (envelope.type().equals(EventEnvelope.HEARTBEAT)) {
                    link.heartbeats = true;
                }
                subscriptions.deliver(envelope, data, length, received);
            }

            @Override
            public void oversized() {
                subscriptions.gapAll("oversized event", System.nanoTime());
            }
        };
        try {
            link.reader.run(listener);
            return link.abortReason != null ? link.abortReason : "OpenCode at " + link.url + " ended the event stream";
        } catch (IOException e) {
            return link.abortReason != null ? link.abortReason
                    : "OpenCode at " + link.url + ": the event stream failed (" + e.getClass().getSimpleName() + ")";
        } finally {
            OpenCodeHttp.closeQuietly(link.body);
        }
    }

    /** Checks, while the link is current, that a server that sends heartbeats still sends something. */
    private void watch(Link link) {
        long limit = timing.heartbeatLimit().toNanos();
        CompletableFuture.delayedExecutor(Math.max(1, limit / 3), TimeUnit.NANOSECONDS).execute(() -> {
            synchronized (lock) {
                if (current != link) {
                    return;
                }
                if (link.heartbeats && System.nanoTime() - link.reader.lastReadNanos() > limit) {
                    link.abortReason = "OpenCode at " + link.url + " sent nothing for " + seconds(timing.heartbeatLimit())
                            + " after its heartbeats; the stream is taken as dead";
                    OpenCodeHttp.closeQuietly(link.body);
                    return;
                }
            }
            watch(link);
        });
    }

    private void abortLocked(String reason) {
        if (opening != null) {
            opening.cancel(true);
        }
        if (current != null) {
            current.abortReason = reason;
            OpenCodeHttp.closeQuietly(current.body);
        }
    }

    private void pause(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            long left;
            while (!stopping && !retargeted && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return; // stop or retarget: the loop looks at the flags
                }
            }
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
