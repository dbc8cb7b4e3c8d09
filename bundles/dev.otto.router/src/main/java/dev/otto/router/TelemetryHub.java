package dev.otto.router;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * Hands telemetry to sinks off the caller's thread. Each sink has a bounded queue and a thread of
 * its own: a slow sink fills only its own queue, a full queue drops the newest record (counted),
 * and a sink that throws is counted and keeps its thread. A run never waits on, nor fails
 * because of, a sink. Records go to each sink in the order they were published, one at a time.
 */
final class TelemetryHub implements AutoCloseable {

    /** Counters of one sink, for {@code otto:plugins}. */
    record Stats(long queued, long delivered, long failed, long dropped) {
        Stats plus(Stats other) {
            return new Stats(queued + other.queued, delivered + other.delivered, failed + other.failed,
                    dropped + other.dropped);
        }
    }

    private static final Stats NONE = new Stats(0, 0, 0, 0);

    private final int capacity;
    private final Consumer<String> onSinkFailure;
    private final Map<TelemetrySink, Lane> lanes = new IdentityHashMap<>();
    /** The lanes as of the last add or remove, for {@link #publish} to read without the lock. */
    private volatile Lane[] current = new Lane[0];
    /**
     * What the sinks that went away had delivered, failed and dropped, by plugin name: a sink
     * bundle that is stopped or updated comes back with its counts, so drops stay visible.
     */
    private final Map<String, Stats> gone = new HashMap<>();

    TelemetryHub(int capacity, Consumer<String> onSinkFailure) {
        this.capacity = capacity;
        this.onSinkFailure = onSinkFailure;
    }

    synchronized void add(TelemetrySink sink, String name) {
        lanes.computeIfAbsent(sink, s -> new Lane(s, name));
        current = lanes.values().toArray(new Lane[0]);
    }

    /** Stops the sink's lane; what it had not delivered yet is counted as dropped. */
    synchronized void remove(TelemetrySink sink) {
        Lane lane = lanes.remove(sink);
        if (lane != null) {
            current = lanes.values().toArray(new Lane[0]);
            lane.stop();
            Stats last = lane.stats();
            gone.merge(lane.name, new Stats(0, last.delivered(), last.failed(), last.dropped()), Stats::plus);
        }
    }

    /**
     * Tells whether any sink is bound, so that a record nobody would receive need not be built.
     *
     * @return true if a record published now would reach a sink
     */
    boolean hasSinks() {
        return current.length > 0;
    }

    /** Offers the record to every sink; never blocks. */
    void publish(TelemetryRecord record) {
        for (Lane lane : current) {
            lane.offer(record);
        }
    }

    synchronized Stats stats(TelemetrySink sink) {
        Lane lane = lanes.get(sink);
        return lane == null ? NONE : lane.stats().plus(gone.getOrDefault(lane.name, NONE));
    }

    @Override
    public synchronized void close() {
        current = new Lane[0];
        lanes.values().forEach(Lane::stop);
        lanes.clear();
    }

    private final class Lane implements Runnable {
        private final TelemetrySink sink;
        private final String name;
        private final BlockingQueue<TelemetryRecord> queue = new ArrayBlockingQueue<>(capacity);
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;
        private long lastReported;

        Lane(TelemetrySink sink, String name) {
            this.sink = sink;
            this.name = name;
            this.thread = new Thread(this, "otto-telemetry-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        void offer(TelemetryRecord record) {
            if (!running || !queue.offer(record)) {
                dropped.incrementAndGet();
            }
        }

        Stats stats() {
            return new Stats(queue.size(), delivered.get(), failed.get(), dropped.get());
        }

        void stop() {
            running = false;
            thread.interrupt();
            dropped.addAndGet(queue.size());
            queue.clear();
        }

        @Override
        public void run() {
            while (running) {
                TelemetryRecord record;
                try {
                    record = queue.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (record == null || !running) {
                    continue;
                }
                try {
                    sink.accept(record);
                    delivered.incrementAndGet();
                } catch (RuntimeException | LinkageError e) {
                    long count = failed.incrementAndGet();
                    // one report per power of two failures: visible, never a flood
                    if (Long.bitCount(count) == 1 && count != lastReported) {
                        lastReported = count;
                        onSinkFailure.accept("telemetry sink " + name + " failed " + count + " time(s), last with "
                                + e.getClass().getName() + "; the router carries on without it");
                    }
                }
            }
        }
    }
}
