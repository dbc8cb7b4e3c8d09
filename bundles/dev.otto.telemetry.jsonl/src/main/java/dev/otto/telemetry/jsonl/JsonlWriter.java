package dev.otto.telemetry.jsonl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * Appends telemetry lines to {@code otto-YYYY-MM-DD.jsonl}, one file per UTC day of the record
 * (a run's {@code finished_at}, an event's {@code ts}). Thread-safe: each line is one write under a
 * lock, so lines never interleave.
 *
 * <p>Durability is a group commit: a flusher fsyncs at most every {@code fsyncInterval} when
 * something was written; in strict mode every line is fsynced before {@link #append} returns. A
 * failing write or fsync (full disk, I/O error) drops the record, counts it, records the error and
 * logs it at most once per {@code errorLogInterval}; the file is closed and reopened at the next
 * record, its torn tail (a partial line) cut first, so writing resumes on its own line as soon as
 * the disk has room again.
 */
final class JsonlWriter implements AutoCloseable {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** How the writer behaves. */
    record Settings(Duration fsyncInterval, boolean strict, int maxFieldChars, Duration errorLogInterval) {
    }

    private final Path dir;
    private final Clock clock;
    private final Settings settings;
    private final Reporter reporter;
    private final Output.Opener opener;
    private final JsonLine encoder;
    private final ScheduledExecutorService flusher;

    private final Object lock = new Object();
    // guarded by lock
    private Output out;
    private LocalDate outDay;
    private long seq;
    private long pendingFrom = 1; // first seq not yet fsynced
    private boolean closed;

    private final Object durable = new Object();
    // guarded by durable
    private long settledSeq;
    private final TreeMap<Long, Long> lost = new TreeMap<>();

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong torn = new AtomicLong();
    private final Map<LocalDate, AtomicLong> droppedByDay = new ConcurrentHashMap<>();
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean failing;
    private long lastErrorLogged = Long.MIN_VALUE; // guarded by lock
    private long droppedAtLastLog; // guarded by lock

    JsonlWriter(Path dir, Clock clock, Settings settings, Reporter reporter, Output.Opener opener) {
        this.dir = dir;
        this.clock = clock;
        this.settings = settings;
        this.reporter = reporter;
        this.opener = opener;
        this.encoder = new JsonLine(settings.maxFieldChars());
        if (settings.strict()) {
            flusher = null;
        } else {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "otto-telemetry-jsonl-fsync");
                t.setDaemon(true);
                return t;
            });
            long micros = Math.max(1, settings.fsyncInterval().toNanos() / 1000);
            flusher.scheduleWithFixedDelay(this::flush, micros, micros, TimeUnit.MICROSECONDS);
        }
    }

    /** The UTC day a record belongs to. */
    static LocalDate dayOf(TelemetryRecord record) {
        Instant at = record instanceof RunTelemetry run ? run.finishedAt() : ((FallbackEvent) record).ts();
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * Appends one record's wire form.
     *
     * @return its sequence number, for {@link #awaitDurable}, or -1 if it was dropped
     */
    long append(TelemetryRecord record) {
        byte[] line = encoder.encode(record.toWire());
        LocalDate day = dayOf(record);
        synchronized (lock) {
            if (closed) {
                drop(day, "the JSONL sink is stopped", null);
                return -1;
            }
            try {
                Output target = outputFor(day);
                target.write(ByteBuffer.wrap(line));
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                drop(day, "cannot write " + file(day), e);
                return -1;
            }
            long s = ++seq;
            if (settings.strict()) {
                try {
                    out.force();
                    settle(s, true);
                } catch (IOException e) {
                    closeQuietly();
                    drop(day, "cannot fsync " + file(day), e);
                    settle(s, false);
                    return -1;
                }
            }
            failing = false;
            return s;
        }
    }

    /** Fsyncs what was written since the last fsync; the flusher calls it, and close. */
    void flush() {
        Output target;
        long from;
        long to;
        synchronized (lock) {
            if (out == null || seq < pendingFrom) {
                return;
            }
            target = out;
            from = pendingFrom;
            to = seq;
            pendingFrom = seq + 1;
            try {
                // under the lock: a day switch or a reopen must not close the file mid-fsync
                target.force();
                settleRange(from, to, true);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                LocalDate day = outDay == null ? LocalDate.now(clock) : outDay;
                for (long i = from; i <= to; i++) {
                    drop(day, "cannot fsync " + file(day), e);
                }
                settleRange(from, to, false);
            }
        }
    }

    /**
     * Waits until the record with sequence number {@code s} is fsynced.
     *
     * @return true if it is durable, false if it was lost or the wait timed out
     */
    boolean awaitDurable(long s, Duration timeout) throws InterruptedException {
        if (s < 0) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (durable) {
            while (settledSeq < s) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(durable, left);
            }
            Map.Entry<Long, Long> range = lost.floorEntry(s);
            return range == null || range.getValue() < s;
        }
    }

    private void settle(long s, boolean ok) {
        settleRange(s, s, ok);
    }

    private void settleRange(long from, long to, boolean ok) {
        if (ok) {
            written.addAndGet(to - from + 1);
            failing = false;
        }
        synchronized (durable) {
            if (!ok) {
                lost.put(from, to);
                while (lost.size() > 1000) {
                    lost.pollFirstEntry();
                }
            }
            settledSeq = Math.max(settledSeq, to);
            durable.notifyAll();
        }
    }

    private Output outputFor(LocalDate day) throws IOException {
        if (out != null && day.equals(outDay)) {
            return out;
        }
        if (out != null) {
            // a new day: the old file's lines are fsynced before it is closed
            flushLocked();
            closeQuietly();
        }
        Path file = file(day);
        prepare(file);
        out = opener.open(file);
        outDay = day;
        return out;
    }

    private void flushLocked() {
        if (out != null && seq >= pendingFrom) {
            long from = pendingFrom;
            pendingFrom = seq + 1;
            try {
                out.force();
                settleRange(from, seq, true);
            } catch (IOException e) {
                settleRange(from, seq, false);
                for (long i = from; i <= seq; i++) {
                    drop(outDay, "cannot fsync " + file(outDay), e);
                }
            }
        }
    }

    /** Creates the file owner-only, or tightens it, and cuts a torn last line. */
    private void prepare(Path file) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                reporter.warn("tightened the permissions of " + file + " to 0600 (owner only)");
            }
            long cut = repairTail(file);
            if (cut > 0) {
                torn.incrementAndGet();
                reporter.warn("cut a torn last line of " + cut + " bytes from " + file
                        + " (a crash or a failed write interrupted it); the next record starts on its own line");
            }
        }
    }

    /**
     * Cuts everything after the last newline.
     *
     * @return the number of bytes cut, 0 if the file ended with a newline or was empty
     */
    static long repairTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return 0;
            }
            ByteBuffer chunk = ByteBuffer.allocate(8192);
            long end = size;
            while (end > 0) {
                long start = Math.max(0, end - chunk.capacity());
                chunk.clear().limit((int) (end - start));
                while (chunk.hasRemaining()) {
                    if (ch.read(chunk, start + chunk.position()) < 0) {
                        break;
                    }
                }
                for (int i = chunk.position() - 1; i >= 0; i--) {
                    if (chunk.get(i) == '\n') {
                        long keep = start + i + 1;
                        if (keep == size) {
                            return 0;
                        }
                        ch.truncate(keep);
                        ch.force(true);
                        return size - keep;
                    }
                }
                end = start;
            }
            ch.truncate(0);
            ch.force(true);
            return size;
        }
    }

    private void drop(LocalDate day, String what, Throwable e) {
        long count = dropped.incrementAndGet();
        droppedByDay.computeIfAbsent(day, d -> new AtomicLong()).incrementAndGet();
        if (e == null) {
            return;
        }
        failing = true;
        // the exception's own words: a file system message, never a record (records are not in exceptions)
        String error = what + ": " + oneLine(e);
        lastError = error;
        lastErrorAt = clock.instant();
        long now = System.nanoTime();
        if (lastErrorLogged == Long.MIN_VALUE || now - lastErrorLogged >= settings.errorLogInterval().toNanos()) {
            reporter.error("JSONL telemetry sink: " + error + "; " + (count - droppedAtLastLog)
                    + " record(s) dropped since the last report, " + count + " in all; it retries at the next record");
            lastErrorLogged = now;
            droppedAtLastLog = count;
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : " " + message);
        text = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
        return text.length() > 300 ? text.substring(0, 300) + JsonLine.TRUNCATED : text;
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // closing after a failure: the next open repairs whatever the file holds
            }
            out = null;
            outDay = null;
        }
    }

    Path file(LocalDate day) {
        return dir.resolve(OttoPaths.telemetryFileName(day));
    }

    Path dir() {
        return dir;
    }

    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    long torn() {
        return torn.get();
    }

    long droppedOn(LocalDate day) {
        AtomicLong count = droppedByDay.get(day);
        return count == null ? 0 : count.get();
    }

    boolean failing() {
        return failing;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Fsyncs and closes; later appends are dropped. */
    @Override
    public void close() {
        if (flusher != null) {
            flusher.shutdown(); // not shutdownNow: an interrupt must not hit an fsync in progress
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lock) {
            flushLocked();
            closeQuietly();
            closed = true;
        }
    }
}
