package dev.otto.invoker.openai;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import dev.otto.api.spi.InvocationFailure.Kind;

/**
 * The limits of the calls in flight, watched by one thread per invoker. Each call has three: its
 * first output ({@link Kind#FIRST_TOKEN_TIMEOUT}), the pause since its last chunk once output has
 * begun ({@link Kind#STALL_TIMEOUT}), and the attempt's deadline ({@link Kind#TIMEOUT}). When one
 * passes, the call's {@link Expiry} runs on this thread: it fails the attempt and closes the
 * connection.
 *
 * <p>Starting and ending a call is an insertion into and a removal from a concurrent set, and a
 * chunk is one volatile write: no timer task per call (a task per call woke the timer thread on
 * every call, bench/: OpenAiInvokerBenchmark) and no wake-up per chunk. The thread sleeps until the
 * earliest limit of the calls it saw; a call that starts, or whose output begins, with an earlier
 * limit than that wakes it, which is rare since calls share their timeouts. After the last call has
 * ended it keeps a timed sleep for {@link #LINGER} before it sleeps until told, so that a stream of
 * short calls wakes it about once a {@code LINGER}, not once a call. After {@link #close()} it goes
 * on until the last call in flight has ended or expired, and new calls are refused.
 */
final class AttemptDeadlines implements AutoCloseable {

    /** How long the thread keeps a timed sleep after the last call ended. */
    static final Duration LINGER = Duration.ofSeconds(1);

    private static final long LINGER_NANOS = LINGER.toNanos();

    /** What a passed limit does to its call; run on the watcher's thread, at most once. */
    @FunctionalInterface
    interface Expiry {
        /**
         * Fails the call and closes its connection.
         *
         * @param kind {@link Kind#FIRST_TOKEN_TIMEOUT}, {@link Kind#STALL_TIMEOUT} or {@link Kind#TIMEOUT}
         */
        void expire(Kind kind);
    }

    /** A call in flight: its limits, on {@link System#nanoTime()}, and when its last chunk came. */
    final class Call {
        private final long firstTokenLimit;
        private final long deadline;
        private final long stallNanos;
        private final Expiry expiry;
        private volatile long lastChunk;
        private volatile boolean outputBegan;

        private Call(long firstTokenLimit, long deadline, long stallNanos, Expiry expiry) {
            this.firstTokenLimit = firstTokenLimit;
            this.deadline = deadline;
            this.stallNanos = stallNanos;
            this.expiry = expiry;
        }

        /** A chunk arrived (once output has begun it moves the stall limit). A volatile write, nothing more. */
        void chunk(long now) {
            lastChunk = now;
        }

        /** The first output arrived: from now on the stall limit applies instead of the first-token limit. */
        void outputBegan(long now) {
            lastChunk = now;
            outputBegan = true;
            wakeIfEarlier(limit());
        }

        /** The earliest limit not yet passed; the first-token or stall limit wins a tie only when it is earlier. */
        private long limit() {
            long soft = outputBegan ? lastChunk + stallNanos : firstTokenLimit;
            return soft - deadline < 0 ? soft : deadline;
        }

        /** The kind of the limit that passed by {@code now}, or null. */
        private Kind due(long now) {
            boolean began = outputBegan; // before lastChunk: outputBegan(now) writes them in the other order
            long soft = began ? lastChunk + stallNanos : firstTokenLimit;
            if (soft - deadline < 0) {
                return now - soft >= 0 ? (began ? Kind.STALL_TIMEOUT : Kind.FIRST_TOKEN_TIMEOUT) : null;
            }
            return now - deadline >= 0 ? Kind.TIMEOUT : null;
        }
    }

    private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    /** When the thread's timed sleep ends; meaningful while {@link #timedSleep}. */
    private volatile long wakeAt;
    /** False while the thread looks at the calls or sleeps until told: then every new call wakes it. */
    private volatile boolean timedSleep;
    private volatile boolean closed;

    /**
     * Starts the thread.
     *
     * @param threadName the name of the thread, as thread dumps show it
     */
    AttemptDeadlines(String threadName) {
        watcher = new Thread(this::watch, threadName);
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Watches a call until {@link #done}.
     *
     * @param firstTokenLimit when its first output must have come, a {@link System#nanoTime()} instant
     * @param deadline when it must be over, a {@link System#nanoTime()} instant
     * @param stallNanos how long its output may pause once it has begun
     * @param expiry fails the call; run on the watcher's thread, at most once
     * @return the watched call, or null once closed: the call must not start
     */
    Call start(long firstTokenLimit, long deadline, long stallNanos, Expiry expiry) {
        Call call = new Call(firstTokenLimit, deadline, stallNanos, expiry);
        inFlight.add(call);
        if (closed) {
            inFlight.remove(call);
            return null;
        }
        wakeIfEarlier(call.limit());
        return call;
    }

    /** The call has ended (or failed on its own): its limits no longer apply. Idempotent. */
    void done(Call call) {
        if (call != null) {
            inFlight.remove(call);
        }
    }

    /** How many calls are watched, for tests. */
    int inFlight() {
        return inFlight.size();
    }

    /** Refuses new calls; the thread ends once the calls in flight have ended or expired. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watcher);
    }

    private void wakeIfEarlier(long limit) {
        // wakeAt is written before timedSleep, so a true timedSleep comes with its wakeAt
        if (!timedSleep || limit - wakeAt < 0) {
            LockSupport.unpark(watcher);
        }
    }

    private void watch() {
        boolean empty = false;
        long emptySince = 0;
        while (!closed || !inFlight.isEmpty()) {
            timedSleep = false; // a call that starts while we look may be missed by the loop: it wakes us
            long now = System.nanoTime();
            long next = 0;
            boolean watching = false;
            for (Call call : inFlight) {
                Kind kind = call.due(now);
                if (kind == null) {
                    long limit = call.limit();
                    if (!watching || limit - next < 0) {
                        next = limit;
                    }
                    watching = true;
                } else if (inFlight.remove(call)) {
                    try {
                        call.expiry.expire(kind);
                    } catch (RuntimeException e) {
                        // failing a call is completing a future and cancelling an exchange: nothing
                        // to report, and the thread must go on for the other calls
                    }
                }
            }
            if (watching) {
                empty = false;
            } else {
                if (!empty) {
                    empty = true;
                    emptySince = now;
                }
                if (now - emptySince >= LINGER_NANOS) {
                    // sleep until told: timedSleep is false, so the next call to start unparks
                    if (inFlight.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    continue;
                }
                next = emptySince + LINGER_NANOS;
            }
            wakeAt = next;
            timedSleep = true;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }
}
