package dev.otto.opencode;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.otto.api.opencode.OpenCodeEvent;
import dev.otto.api.opencode.SessionEvents;

/**
 * The events of one session for one subscriber: a bounded queue filled by the stream's thread.
 * When it is full, new events are dropped and one {@link SessionEvents#GAP} takes their place (the
 * queue holds at most {@code capacity} events plus that one GAP). GAPs in a row are kept as one
 * (with the latest reason), since one read of the session's state covers them all.
 */
final class Subscription implements SessionEvents {

    /** Why events may be missing, in the GAP's {@code properties.reason}. */
    static final String OVERFLOW = "overflow";

    private final String sessionId;
    private final int capacity;
    private final BooleanSupplier streamLive;
    private final Consumer<Subscription> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<OpenCodeEvent> queue = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock

    Subscription(String sessionId, int capacity, BooleanSupplier streamLive, Consumer<Subscription> onClose) {
        this.sessionId = sessionId;
        this.capacity = capacity;
        this.streamLive = streamLive;
        this.onClose = onClose;
    }

    String sessionId() {
        return sessionId;
    }

    /** Queues an event of the stream, or a GAP if the queue is full. */
    void offer(OpenCodeEvent event) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() < capacity) {
                queue.addLast(event);
            } else {
                addGap(OVERFLOW, event.receivedNanos(), false);
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a GAP: events may have been missed for {@code reason}. */
    void gap(String reason, long nanos) {
        lock.lock();
        try {
            if (!closed) {
                addGap(reason, nanos, true);
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds a GAP; one already last in the queue stays (overflow) or gives way to the newer reason (the stream's). */
    private void addGap(String reason, long nanos, boolean replace) {
        OpenCodeEvent last = queue.peekLast();
        if (last != null && last.type().equals(GAP)) {
            if (!replace) {
                return;
            }
            queue.pollLast();
        }
        queue.addLast(new OpenCodeEvent(GAP, sessionId, EventEnvelope.gapJson(sessionId, reason), nanos));
    }

    @Override
    public OpenCodeEvent next(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !closed) {
                if (left <= 0) {
                    return null;
                }
                left = arrived.awaitNanos(left);
            }
            return closed ? null : queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean live() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        return streamLive.getAsBoolean();
    }

    /** Events waiting to be taken (for tests and status). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "SessionEvents[" + sessionId + "]";
    }
}
