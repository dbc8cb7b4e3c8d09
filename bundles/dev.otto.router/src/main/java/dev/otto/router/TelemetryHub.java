package dev.otto.router;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

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
 *
 * <p>Expected sinks: the sinks the runtime ships (by plugin name) may bind after the first runs
 * (the scheduler's catch-up runs start as soon as the router does). Until each expected sink has
 * bound, or for at most {@code expectedWait} after the hub was made, the records published are also
 * held (at most {@code capacity} of them) and handed, in order and before any later record, to each
 * sink that binds under a name that was not served yet. A held record that no longer fits, records
 * still held for a sink when the wait ends, and every record published while an expected sink is
 * not bound (after the wait, or after it went away) are counted as dropped under that sink's name,
 * so {@code otto:sinks} shows what it missed. No record is lost without being counted.
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
    /**
     * The lanes as of the last add or remove, and whether {@link #publish} must take the lock
     * (records are being held, or an expected sink is not bound and its misses are counted): one
     * volatile, so that a publisher never sees a lane gone without also seeing that it must count.
     */
    private volatile View view = new View(new Lane[0], false);

    private record View(Lane[] lanes, boolean slow) {
    }
    /**
     * What the sinks that went away had delivered, failed and dropped, by plugin name: a sink
     * bundle that is stopped or updated comes back with its counts, so drops stay visible.
     */
    private final Map<String, Stats> gone = new HashMap<>();

    /** The sinks whose absence is counted, by plugin name. */
    private final Set<String> expected;
    private final LongSupplier nanoTime;
    private final long holdUntil;
    /** Expected sinks not bound yet since the hub was made, while records are held for them. Guarded by this. */
    private final Set<String> waitingFor;
    /** Names whose sink got the held records already: a rebound sink does not get them twice. Guarded by this. */
    private final Set<String> served = new java.util.HashSet<>();
    /** Records held for the sinks in {@link #waitingFor}, oldest first. Guarded by this. */
    private final ArrayDeque<TelemetryRecord> held = new ArrayDeque<>();
    /** Records an expected sink missed because it was not bound, by name. Guarded by this. */
    private final Map<String, Long> missed = new HashMap<>();
    private boolean overflowReported; // guarded by this

    /** A hub that expects no sink: records published while no sink is bound go nowhere. */
    TelemetryHub(int capacity, Consumer<String> onSinkFailure) {
        this(capacity, onSinkFailure, Set.of(), Duration.ZERO, System::nanoTime);
    }

    /**
     * A hub that holds records for the {@code expected} sinks until they bind, for at most
     * {@code expectedWait}, and counts what they miss.
     *
     * @param capacity each sink's queue, and the most records held for the expected sinks
     * @param onSinkFailure where failures and losses are reported, one line each, never per record
     * @param expected plugin names of the sinks the runtime ships
     * @param expectedWait how long after this hub is made records are held for them
     * @param nanoTime the clock of that wait
     */
    TelemetryHub(int capacity, Consumer<String> onSinkFailure, Set<String> expected, Duration expectedWait,
            LongSupplier nanoTime) {
        this.capacity = capacity;
        this.onSinkFailure = onSinkFailure;
        this.expected = Set.copyOf(expected);
        this.nanoTime = nanoTime;
        this.holdUntil = nanoTime.getAsLong() + expectedWait.toNanos();
        this.waitingFor = new LinkedHashSet<>(expectedWait.isZero() || expectedWait.isNegative() ? Set.of() : expected);
        this.view = new View(new Lane[0], !this.expected.isEmpty());
    }

    synchronized void add(TelemetrySink sink, String name) {
        endWaitIfDue();
        if (lanes.containsKey(sink)) {
            return;
        }
        Lane lane = new Lane(sink, name);
        if (!waitingFor.isEmpty() && served.add(name)) {
            held.forEach(lane::offer); // the queue holds capacity records: they all fit, in order
        }
        served.add(name);
        lanes.put(sink, lane);
        if (waitingFor.remove(name) && waitingFor.isEmpty()) {
            held.clear(); // every expected sink has them
        }
        update();
    }

    /** Stops the sink's lane; what it had not delivered yet is counted as dropped. */
    synchronized void remove(TelemetrySink sink) {
        Lane lane = lanes.remove(sink);
        if (lane != null) {
            update();
            lane.stop();
            Stats last = lane.stats();
            gone.merge(lane.name, new Stats(0, last.delivered(), last.failed(), last.dropped()), Stats::plus);
        }
    }

    /**
     * Offers the record to every sink; never blocks (it takes the hub's lock, briefly, only while an
     * expected sink is not bound).
     */
    void publish(TelemetryRecord record) {
        View now = view;
        if (now.slow()) {
            publishCounted(record);
            return;
        }
        // a lane removed after this read is stopped, and stop counts the record as dropped
        for (Lane lane : now.lanes()) {
            lane.offer(record);
        }
    }

    private synchronized void publishCounted(TelemetryRecord record) {
        endWaitIfDue();
        for (Lane lane : view.lanes()) {
            lane.offer(record);
        }
        if (!waitingFor.isEmpty()) {
            if (held.size() < capacity) {
                held.add(record);
            } else {
                waitingFor.forEach(this::miss);
                if (!overflowReported) {
                    overflowReported = true;
                    onSinkFailure.accept("telemetry sink(s) " + String.join(", ", waitingFor) + " not bound yet and "
                            + capacity + " records held for them: later records are counted as dropped until they bind");
                }
            }
        }
        for (String name : expected) {
            if (!waitingFor.contains(name) && !bound(name)) {
                miss(name);
            }
        }
    }

    private void miss(String name) {
        missed.merge(name, 1L, Long::sum);
    }

    private boolean bound(String name) {
        for (Lane lane : lanes.values()) {
            if (lane.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Ends the wait for expected sinks once it is over: what is held for them is counted as dropped. */
    private void endWaitIfDue() {
        if (waitingFor.isEmpty() || nanoTime.getAsLong() - holdUntil < 0) {
            return;
        }
        for (String name : waitingFor) {
            missed.merge(name, (long) held.size(), Long::sum);
        }
        onSinkFailure.accept("telemetry sink(s) " + String.join(", ", waitingFor) + " expected but not bound in time: "
                + held.size() + " record(s) held for them are counted as dropped; otto:status and lb telemetry "
                + "say why they did not start");
        waitingFor.clear();
        held.clear();
        update();
    }

    /** Publishes the lanes and whether publishing must count. Under the lock. */
    private void update() {
        boolean absent = false;
        for (String name : expected) {
            absent |= !bound(name);
        }
        view = new View(lanes.values().toArray(new Lane[0]), absent || !waitingFor.isEmpty());
    }

    synchronized Stats stats(TelemetrySink sink) {
        endWaitIfDue();
        Lane lane = lanes.get(sink);
        return lane == null ? NONE : lane.stats().plus(gone.getOrDefault(lane.name, NONE))
                .plus(new Stats(0, 0, 0, missed.getOrDefault(lane.name, 0L)));
    }

    /**
     * The expected sinks that are not bound, with what they missed: records still held for them
     * count as queued, records they will never get as dropped.
     */
    synchronized Map<String, Stats> absent() {
        endWaitIfDue();
        Map<String, Stats> out = new java.util.TreeMap<>();
        for (String name : expected) {
            if (!bound(name)) {
                out.put(name, gone.getOrDefault(name, NONE).plus(new Stats(waitingFor.contains(name) ? held.size() : 0,
                        0, 0, missed.getOrDefault(name, 0L))));
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        view = new View(new Lane[0], false);
        held.clear();
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
