package dev.otto.router;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Interrupts attempts that run past their deadline and a grace period, both measured on the
 * monotonic clock ({@link System#nanoTime()} by default), so a wall clock stepped during an attempt
 * neither cuts it short nor lets it overrun. Each thread that runs
 * attempts has one {@link Watch}, found through a {@code ThreadLocal}; starting an attempt is a
 * write to it and ending one a compare-and-set, so the hot path takes no lock, allocates no map
 * node and never wakes a thread. One sweep per tick, on a thread of its own, reads every watch.
 *
 * <p>An attempt is interrupted at most once and only while it runs: the sweep claims the watch
 * with a compare-and-set on the very attempt it saw before interrupting, and an attempt that
 * ends while the sweep is interrupting it waits for the interrupt to land, then clears it.
 */
final class AttemptWatchdog implements AutoCloseable {

    /** A watch's state while the sweep interrupts its thread. */
    private static final Object INTERRUPTING = new Object();
    /** A watch's state once the sweep has interrupted its thread, until the attempt ends. */
    private static final Object OVERRAN = new Object();

    /**
     * The watch of one thread. Its state is null when no attempt runs, the attempt's
     * {@link Deadline} (a new object per attempt) while one runs, then {@link #INTERRUPTING} and
     * {@link #OVERRAN} if the sweep interrupts it. Only its thread starts and ends attempts on it.
     */
    static final class Watch {
        final Thread thread;
        final AtomicReference<Object> state = new AtomicReference<>();

        Watch(Thread thread) {
            this.thread = thread;
        }

        /**
         * Starts watching an attempt; end it with {@link #end} in a {@code finally}.
         *
         * @param deadlineNanos the attempt's deadline on the watchdog's clock; it is interrupted if it
         *     still runs a grace period later
         * @return the attempt, for {@link #end}
         */
        Deadline start(long deadlineNanos) {
            // the state the attempt replaces: not null only for an attempt run inside another attempt
            // on the same thread, which gets its watch back at the end
            Deadline attempt = new Deadline(deadlineNanos, state.get());
            // a release store is enough: the sweep only needs to see it by its next tick, and
            // it claims a watch only with a compare-and-set on a state it has seen
            state.setRelease(attempt);
            return attempt;
        }

        /**
         * Ends an attempt.
         *
         * @param attempt what {@link #start} returned
         * @return whether the watchdog interrupted the attempt; the interrupt is then cleared
         */
        boolean end(Deadline attempt) {
            return !state.compareAndSet(attempt, attempt.outer) && overran(attempt.outer);
        }

        /** The sweep claimed the attempt: waits for its interrupt to land, then clears it. */
        private boolean overran(Object outer) {
            while (state.get() == INTERRUPTING) {
                Thread.onSpinWait(); // the sweep is between its claim and the interrupt: a few instructions
            }
            state.set(outer);
            Thread.interrupted(); // the watchdog's interrupt, not the caller's: clear it
            return true;
        }
    }

    /** One attempt's deadline, and the state it replaced. Compared by identity. */
    static final class Deadline {
        final long nanos;
        final Object outer;

        Deadline(long nanos, Object outer) {
            this.nanos = nanos;
            this.outer = outer;
        }
    }

    private final LongSupplier clock;
    private final long graceNanos;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watch> own = ThreadLocal.withInitial(this::newWatch);
    private final ScheduledExecutorService sweeper;

    /**
     * @param clock the monotonic clock deadlines are read against, in nanoseconds
     * @param tick how often to look for overruns
     * @param grace how long past its deadline an attempt may run before it is interrupted
     */
    AttemptWatchdog(LongSupplier clock, Duration tick, Duration grace) {
        this.clock = clock;
        this.graceNanos = grace.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "otto-router-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Watch newWatch() {
        Watch watch = new Watch(Thread.currentThread());
        watches.add(watch);
        return watch;
    }

    /**
     * Returns the calling thread's watch.
     *
     * @return the watch, created on the thread's first attempt
     */
    Watch watch() {
        return own.get();
    }

    /** How many threads' watches are kept, for tests. */
    int watched() {
        return watches.size();
    }

    /** Interrupts each attempt past its deadline and grace; forgets the watches of threads that have ended. */
    void sweep() {
        long now = clock.getAsLong();
        for (Watch watch : watches) {
            Object state = watch.state.get();
            if (state instanceof Deadline deadline) {
                if (now - graceNanos - deadline.nanos > 0 && watch.state.compareAndSet(state, INTERRUPTING)) {
                    watch.thread.interrupt();
                    watch.state.set(OVERRAN);
                }
            } else if (state == null && !watch.thread.isAlive()) {
                watches.remove(watch);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
