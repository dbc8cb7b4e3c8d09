package dev.otto.invoker.openai;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Fails the response bodies still arriving at their deadline. One thread looks at the calls in
 * flight once a {@link #TICK}: starting and ending a call is an insertion into and a removal from a
 * concurrent set, where a timer task per call woke the timer thread on every call, a cost each call
 * paid on its own path (bench/: OpenAiInvokerBenchmark). A body is failed at most a tick after its
 * deadline; the wait for the headers is bounded exactly, by the request's own timeout.
 *
 * <p>The thread sleeps while no call is in flight at a tick; the first call after that wakes it,
 * at most once a tick however many calls follow. After
 * {@link #close()} it goes on until the last call in flight has ended or expired, and new calls
 * are refused.
 */
final class BodyDeadlines implements AutoCloseable {

    /** How often the calls in flight are looked at. */
    static final Duration TICK = Duration.ofMillis(50);

    private static final long TICK_NANOS = TICK.toNanos();

    /** A call in flight: its deadline and what fails its body. */
    static final class Call {
        private final long deadlineNanos;
        private final Runnable expire;

        private Call(long deadlineNanos, Runnable expire) {
            this.deadlineNanos = deadlineNanos;
            this.expire = expire;
        }
    }

    private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();
    private final Thread sweeper;
    private volatile boolean idle;
    private volatile boolean closed;

    /**
     * Starts the thread.
     *
     * @param threadName the name of the thread, as thread dumps show it
     */
    BodyDeadlines(String threadName) {
        sweeper = new Thread(this::sweep, threadName);
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /**
     * Watches a call until {@link #done}.
     *
     * @param deadlineNanos the call's deadline, a {@link System#nanoTime()} instant
     * @param expire fails the call's body; run on the watcher's thread, at most once
     * @return the watched call, or null once closed: the call must not start
     */
    Call start(long deadlineNanos, Runnable expire) {
        Call call = new Call(deadlineNanos, expire);
        inFlight.add(call);
        if (closed) {
            inFlight.remove(call);
            return null;
        }
        if (idle) {
            LockSupport.unpark(sweeper); // the first call after a pause: the thread sleeps until told
        }
        return call;
    }

    /** The call has ended: its body no longer needs a deadline. */
    void done(Call call) {
        inFlight.remove(call);
    }

    /** How many calls are watched, for tests. */
    int inFlight() {
        return inFlight.size();
    }

    /** Refuses new calls; the thread ends once the calls in flight have ended or expired. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(sweeper);
    }

    private void sweep() {
        while (!closed || !inFlight.isEmpty()) {
            // a tick first, also right after a wake-up: calls that start within it find the thread
            // awake and need not wake it, so a stream of short calls wakes it at most once a tick
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            for (Call call : inFlight) {
                if (now - call.deadlineNanos >= 0 && inFlight.remove(call)) {
                    try {
                        call.expire.run();
                    } catch (RuntimeException e) {
                        // failing a body is completing a future and cancelling a subscription:
                        // nothing to report, and the thread must go on for the other calls
                    }
                }
            }
            if (inFlight.isEmpty() && !closed) {
                idle = true;
                // a call started after the check above sees idle and unparks; one started before is seen here
                if (inFlight.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                idle = false;
            }
        }
    }
}
