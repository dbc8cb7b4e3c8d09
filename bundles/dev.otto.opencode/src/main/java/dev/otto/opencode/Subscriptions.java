package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.otto.api.opencode.OpenCodeEvent;

/**
 * The open subscriptions by session id, and the demultiplexing of the stream's events onto them.
 * Only the stream's one thread delivers, so each subscription sees its session's events in the
 * order the server sent them. An event of a session nobody listens to costs one map lookup and is
 * never turned into a string.
 */
final class Subscriptions {

    /** Events a subscriber may fall behind by before the overflow GAP. */
    static final int DEFAULT_CAPACITY = 1024;

    private static final Subscription[] NONE = new Subscription[0];

    // copy-on-write arrays: delivery reads without locking, subscribe and close are rare
    private final ConcurrentHashMap<String, Subscription[]> bySession = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int capacity;
    private final BooleanSupplier streamLive;

    Subscriptions(int capacity, BooleanSupplier streamLive) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.streamLive = streamLive;
    }

    Subscription subscribe(String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank");
        }
        Subscription subscription = new Subscription(sessionId, capacity, streamLive, this::remove);
        bySession.merge(sessionId, new Subscription[] {subscription}, (old, added) -> {
            Subscription[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = added[0];
            return grown;
        });
        count.incrementAndGet();
        return subscription;
    }

    private void remove(Subscription subscription) {
        boolean[] removed = {false};
        bySession.computeIfPresent(subscription.sessionId(), (id, old) -> {
            Subscription[] kept = Arrays.stream(old).filter(s -> s != subscription).toArray(Subscription[]::new);
            removed[0] = kept.length < old.length;
            return kept.length == 0 ? null : kept;
        });
        if (removed[0]) {
            count.decrementAndGet();
        }
    }

    /** Tells whether anyone listens to the session. */
    boolean wanted(String sessionId) {
        return sessionId != null && bySession.containsKey(sessionId);
    }

    /** Hands one event of the stream to the subscriptions of its session, if any. */
    void deliver(EventEnvelope envelope, byte[] data, int length, long receivedNanos) {
        Subscription[] targets = envelope.sessionId() == null ? NONE : bySession.getOrDefault(envelope.sessionId(), NONE);
        if (targets.length == 0) {
            return;
        }
        OpenCodeEvent event = new OpenCodeEvent(envelope.type(), envelope.sessionId(), new String(data, 0, length, UTF_8),
                receivedNanos);
        for (Subscription subscription : targets) {
            subscription.offer(event);
        }
    }

    /** Gives every open subscription a GAP. */
    void gapAll(String reason, long nanos) {
        for (Subscription[] subscriptions : bySession.values()) {
            for (Subscription subscription : subscriptions) {
                subscription.gap(reason, nanos);
            }
        }
    }

    int count() {
        return count.get();
    }
}
