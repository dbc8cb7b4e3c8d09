package dev.otto.router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * Hands telemetry to sinks off the caller's thread. Each sink has a bounded queue and a thread of
 * its own: a slow sink fills only its own queue, a full queue drops the newest record (counted),
 * and a sink that throws is counted and keeps its thread. A run never waits on, nor fails
 * because of, a sink. Records go to each sink in the order they were published, one at a time.
 *
 * <p>Publishing wakes a sink's thread only when it sleeps: after delivering what it found, the
 * thread naps for {@link #NAP} without asking to be woken, so that records published in a steady
 * stream are picked up by the nap's end instead of each waking the thread, a cost the publishing
 * run would pay (bench/: RouterBenchmark b2 and c3). Only a nap that found nothing new puts the
 * thread to sleep until the next record, or until its queue is half full.
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

    /** How long a sink's thread waits for more records, unwakeable, after delivering some. */
    static final Duration NAP = Duration.ofMillis(1);

    private static final long NAP_NANOS = NAP.toNanos();
    /** The longest a sink's thread sleeps between two looks at its queue, records or not. */
    private static final long SLEEP_NANOS = Duration.ofSeconds(1).toNanos();
    /** Records a sink's thread takes from its queue at once. */
    private static final int BATCH = 256;

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
        /** Records offered and not yet handed to the sink: in the queue or in the thread's batch. */
        private final AtomicInteger pending = new AtomicInteger();
        /** How many records waiting wake a napping thread: half the queue. */
        private final int wakeAt = Math.max(1, capacity / 2);
        /** Whether the thread sleeps until a record is offered. */
        private volatile boolean sleeping;
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
            // counted before it is queued, so that the thread never takes more than was counted
            int waiting = pending.incrementAndGet();
            if (!running || !queue.offer(record)) {
                pending.decrementAndGet();
                dropped.incrementAndGet();
                return;
            }
            if (sleeping || waiting == wakeAt) {
                LockSupport.unpark(thread); // asleep, or napping while its queue fills up
            }
        }

        Stats stats() {
            return new Stats(pending.get(), delivered.get(), failed.get(), dropped.get());
        }

        void stop() {
            running = false;
            thread.interrupt();
            queue.clear();
            dropped.addAndGet(pending.getAndSet(0)); // in the queue or in the thread's batch: never delivered
        }

        @Override
        public void run() {
            List<TelemetryRecord> batch = new ArrayList<>(BATCH);
            boolean napped = false;
            while (running) {
                if (queue.drainTo(batch, BATCH) == 0) {
                    if (!napped) {
                        LockSupport.parkNanos(this, NAP_NANOS);
                        napped = true;
                    } else {
                        sleeping = true;
                        // a record offered before this look is seen here; one offered after sees sleeping
                        if (queue.isEmpty()) {
                            LockSupport.parkNanos(this, SLEEP_NANOS);
                        }
                        sleeping = false;
                        napped = false;
                    }
                    Thread.interrupted(); // stop() interrupts: the loop's condition tells whether it was that
                    continue;
                }
                napped = false;
                for (int i = 0; i < batch.size(); i++) {
                    if (!running) {
                        break; // stop() counted the rest as dropped
                    }
                    pending.decrementAndGet(); // a record taken in a batch is queued until its delivery starts
                    deliver(batch.get(i));
                }
                batch.clear();
            }
        }

        private void deliver(TelemetryRecord record) {
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
