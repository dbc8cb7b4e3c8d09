/*
 * One class on purpose, about 900 lines: the batches, the open files, the group commit and the
 * checks that a file is still the one opened share three locks whose order is stated below;
 * split, the order would span files.
 */
package dev.otto.telemetry.jsonl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * Appends telemetry lines to {@code otto-YYYY-MM-DD.jsonl}, one file per UTC day of the record
 * (a run's {@code finished_at}, an event's {@code ts}). Thread-safe.
 *
 * <p>Appending encodes the record (outside any lock) and copies its line into the batch being
 * filled. A batch is written to its day's file with one {@code write} when it reaches
 * {@value #BATCH_BYTES} bytes (by the appender that filled it), when the next record belongs to
 * another day, or at the flusher's next tick. Batches are written in order by one thread at a
 * time, so lines never interleave and a file only ever grows by whole lines: a crash in the middle
 * of a write leaves at most one trailing fragment, cut when the file is next opened.
 *
 * <p>Durability is a group commit: every {@code fsyncInterval} the flusher writes the batch being
 * filled, fsyncs what was written since its last tick <em>outside</em> the appenders' locks
 * (appenders never wait for an fsync), then settles every record appended before the tick: durable,
 * or lost. In strict mode every record is written and fsynced before {@link #append} returns, one
 * at a time. A failing write or fsync (full disk, I/O error) drops the records concerned, counts
 * them, records the error and logs it at most once per {@code errorLogInterval}; a failed write is
 * cut back out of the file and the file is reopened for the next batch, so writing resumes on its
 * own line as soon as the disk has room again.
 *
 * <p>A file is written only while it is the one opened: before each write and after each fsync
 * its path is checked (no link followed) to be a regular file with the device and inode it had when
 * opened. A file or folder deleted or replaced under the writer (an operator's {@code rm -r}) is
 * reported once, the folder recreated owner-only and a new file opened; records fsynced to the
 * deleted file are counted as dropped, never as written. The flusher looks every
 * {@link #VERIFY_EVERY} even without records, and {@link #problem} says what is wrong meanwhile;
 * while writes fail it also probes whether the disk has room again (see {@link #probe}).
 *
 * <p>Up to {@value #OPEN_DAYS} day files stay open, so late records of yesterday mixed with today's
 * around midnight cost no reopening. A file switched away from is closed after its last fsync.
 *
 * <p>Locks: {@code lock} guards appending (the batch being filled, the sealed batches, the sequence
 * numbers); {@code io} guards the open files and is held while batches are written, never during a
 * group-commit fsync; {@code syncing} makes flushes take turns so that they settle in order. Order:
 * {@code syncing}, then {@code io}, then {@code lock}; nothing is taken inside {@code lock} but the
 * error and durability monitors.
 */
final class JsonlWriter implements AutoCloseable {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");

    /** A batch is written once it holds this many bytes (about 110 run records). */
    static final int BATCH_BYTES = 64 * 1024;

    /** Day files kept open at once. */
    static final int OPEN_DAYS = 2;

    /** How often the flusher checks the open files and the folder without a record to write. */
    static final Duration VERIFY_EVERY = Duration.ofSeconds(1);
    /** What {@link #probe} writes while writes fail: a page, beside the day files (not an {@code otto-*.jsonl} name). */
    static final String PROBE_FILE = ".write-probe";
    static final int PROBE_BYTES = 4096;

    /** How the writer behaves. */
    record Settings(Duration fsyncInterval, boolean strict, int maxFieldChars, Duration errorLogInterval) {
    }

    private final Path dir;
    private final Clock clock;
    private final Settings settings;
    private final Reporter reporter;
    private final Output.Opener opener;
    private final RecordEncoder encoder;
    private final ScheduledExecutorService flusher;
    private final AtomicReference<RecordEncoder.Line> spareLine = new AtomicReference<>();

    private final Object lock = new Object();
    // guarded by lock
    private Batch filling;
    private final ArrayDeque<Batch> sealed = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spareBuffers = new ArrayDeque<>();
    private long seq;
    private boolean closed;

    private final ReentrantLock io = new ReentrantLock();
    // guarded by io
    private final Map<LocalDate, DayFile> files = new HashMap<>();
    private final List<DayFile> retired = new ArrayList<>(); // switched away from, awaiting their fsync and close
    private long writes;

    private final ReentrantLock syncing = new ReentrantLock();

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
    private final AtomicLong probes = new AtomicLong();
    private final Object errors = new Object();
    private long lastErrorLogged = Long.MIN_VALUE; // guarded by errors
    private long droppedAtLastLog; // guarded by errors
    private long lastVerify = System.nanoTime(); // flusher thread only

    /** Lines of one day with consecutive sequence numbers, written with one {@code write}. */
    private static final class Batch {
        final LocalDate day;
        final long first;
        long last;
        byte[] bytes;
        int length;

        Batch(LocalDate day, long first, byte[] bytes) {
            this.day = day;
            this.first = first;
            this.bytes = bytes;
        }

        void add(RecordEncoder.Line line, long s) {
            if (bytes.length - length < line.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + line.length));
            }
            System.arraycopy(line.bytes, 0, bytes, length, line.length);
            length += line.length;
            last = s;
        }
    }

    /** An open day file and the records written to it since its last fsync. Guarded by io. */
    private static final class DayFile {
        final LocalDate day;
        final Path file;
        final Output output;
        final Object key; // device and inode when opened, see identity()
        long size; // only this writer appends to the file
        long lastWrite;
        List<long[]> unsynced = new ArrayList<>(); // sequence ranges {first, last}, ascending
        boolean syncing; // a flush is fsyncing it outside io: that flush, or the next, closes it
        boolean retired;

        DayFile(LocalDate day, Path file, Output output, Object key, long size) {
            this.day = day;
            this.file = file;
            this.output = output;
            this.key = key;
            this.size = size;
        }

        void wrote(long first, long last) {
            long[] tail = unsynced.isEmpty() ? null : unsynced.get(unsynced.size() - 1);
            if (tail != null && tail[1] + 1 == first) {
                tail[1] = last;
            } else {
                unsynced.add(new long[] { first, last });
            }
        }

        List<long[]> takeUnsynced() {
            List<long[]> taken = unsynced;
            unsynced = new ArrayList<>();
            return taken;
        }
    }

    JsonlWriter(Path dir, Clock clock, Settings settings, Reporter reporter, Output.Opener opener) {
        this.dir = dir;
        this.clock = clock;
        this.settings = settings;
        this.reporter = reporter;
        this.opener = opener;
        this.encoder = new RecordEncoder(settings.maxFieldChars());
        if (settings.strict()) {
            flusher = null;
        } else {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "otto-telemetry-jsonl-fsync");
                t.setDaemon(true);
                return t;
            });
            // at a fixed rate, not a fixed delay: an fsync that takes 5 ms must not stretch the
            // interval to 15 ms ("at least this often"); a tick that overruns is followed at once
            long micros = Math.max(1, settings.fsyncInterval().toNanos() / 1000);
            flusher.scheduleAtFixedRate(this::tick, micros, micros, TimeUnit.MICROSECONDS);
        }
        try {
            createFolder(); // now, so that a folder missing later means it was deleted
        } catch (IOException | RuntimeException e) {
            // the first record reports it
        }
    }

    /**
     * The identity of a file: its device and inode if it is a regular file (not a link, not a
     * folder), else null (also when it is not there).
     */
    static Object identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return !a.isRegularFile() ? null : a.fileKey() != null ? a.fileKey() : Boolean.TRUE;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void createFolder() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
        }
    }

    /** The UTC day a record belongs to. */
    static LocalDate dayOf(TelemetryRecord record) {
        Instant at = record instanceof RunTelemetry run ? run.finishedAt() : ((FallbackEvent) record).ts();
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * Appends one record's line: written and fsynced within {@code fsyncInterval}, or before this
     * returns in strict mode.
     *
     * @return its sequence number, for {@link #awaitDurable}, or -1 if it was dropped already
     */
    long append(TelemetryRecord record) {
        RecordEncoder.Line line = spareLine.getAndSet(null);
        if (line == null) {
            line = new RecordEncoder.Line(2048);
        }
        try {
            LocalDate day;
            try {
                day = dayOf(record);
                encoder.encode(record, line);
            } catch (RuntimeException e) {
                // an instant the API accepts but no file name can hold: counted, never thrown at the router
                drop(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), 1,
                        "cannot encode a " + record.type() + " record", e);
                return -1;
            }
            return settings.strict() ? appendStrict(day, line) : appendBuffered(day, line);
        } finally {
            if (line.bytes.length <= BATCH_BYTES) {
                line.length = 0;
                spareLine.set(line);
            }
        }
    }

    private long appendBuffered(LocalDate day, RecordEncoder.Line line) {
        long s;
        boolean sealedOne = false;
        synchronized (lock) {
            if (closed) {
                drop(day, 1, "the JSONL sink is stopped", null);
                return -1;
            }
            s = ++seq;
            if (filling != null && !filling.day.equals(day)) {
                sealFilling();
                sealedOne = true;
            }
            if (filling == null) {
                filling = new Batch(day, s, spareBuffer());
            }
            filling.add(line, s);
            if (filling.length >= BATCH_BYTES) {
                sealFilling();
                sealedOne = true;
            }
        }
        if (sealedOne) {
            // the appender that sealed a batch writes it (and any sealed before it); an fsync in
            // progress does not hold io, so this never waits for one
            io.lock();
            try {
                writeSealed();
            } finally {
                io.unlock();
            }
        }
        return s;
    }

    /** One record at a time, under io: written, fsynced and settled before the next one is written. */
    private long appendStrict(LocalDate day, RecordEncoder.Line line) {
        io.lock();
        try {
            long s;
            synchronized (lock) {
                if (closed) {
                    drop(day, 1, "the JSONL sink is stopped", null);
                    return -1;
                }
                s = ++seq;
            }
            DayFile f = write(day, line.bytes, line.length, s, s);
            boolean ok = f != null && syncNow(f);
            if (f != null && !ok) {
                retire(f);
            }
            settle(s);
            return ok ? s : -1;
        } finally {
            io.unlock();
        }
    }

    /** Seals the batch being filled, if any, for writing in order. Under lock. */
    private void sealFilling() {
        if (filling != null) {
            sealed.add(filling);
            filling = null;
        }
    }

    private byte[] spareBuffer() {
        byte[] buffer = spareBuffers.poll();
        return buffer != null ? buffer : new byte[BATCH_BYTES + 16 * 1024];
    }

    /** Writes the sealed batches in order. Under io. */
    private void writeSealed() {
        while (true) {
            Batch batch;
            synchronized (lock) {
                batch = sealed.poll();
            }
            if (batch == null) {
                return;
            }
            write(batch.day, batch.bytes, batch.length, batch.first, batch.last);
            synchronized (lock) {
                if (spareBuffers.size() < 4 && batch.bytes.length <= 2 * BATCH_BYTES) {
                    spareBuffers.push(batch.bytes);
                }
            }
        }
    }

    /**
     * Writes whole lines with one {@code write}. On failure the file is retired, what the write left
     * of them is cut back out, and the records are lost. Under io.
     *
     * @return the file written to, or null if the records were lost
     */
    private DayFile write(LocalDate day, byte[] bytes, int length, long first, long last) {
        DayFile f = null;
        try {
            f = open(day);
            f.output.write(ByteBuffer.wrap(bytes, 0, length));
            f.size += length;
            f.lastWrite = ++writes;
            f.wrote(first, last);
            failing = false;
            return f;
        } catch (IOException | RuntimeException e) {
            if (f != null) {
                retire(f);
                cutBack(f.file, f.size);
            }
            lose(List.<long[]>of(new long[] { first, last }), day, "cannot write " + file(day), e);
            return null;
        }
    }

    /**
     * Cuts what a failed write left after {@code size} (whole lines and part of one), so that no
     * dropped record stays in the file. If that fails too, the next open cuts the fragment.
     */
    private static void cutBack(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() > size) {
                ch.truncate(size);
            }
        } catch (IOException | RuntimeException e) {
            // the torn tail is cut when the file is opened again
        }
    }

    /** The open file of {@code day}, opened (torn tail cut) if it is not. Under io. */
    private DayFile open(LocalDate day) throws IOException {
        DayFile f = files.get(day);
        if (f != null) {
            if (Objects.equals(identity(f.file), f.key)) {
                return f;
            }
            replaced(f);
        }
        if (files.size() >= OPEN_DAYS) {
            DayFile idle = null;
            for (DayFile candidate : files.values()) {
                if (idle == null || candidate.lastWrite < idle.lastWrite) {
                    idle = candidate;
                }
            }
            retire(idle);
        }
        Path file = file(day);
        prepare(file);
        long size = Files.size(file);
        Output output = opener.open(file);
        Object key = identity(file);
        if (key == null) {
            closeQuietly(output);
            throw notRegular(file);
        }
        f = new DayFile(day, file, output, key, size);
        files.put(day, f);
        return f;
    }

    private static IOException notRegular(Path file) {
        return new IOException(file + " is not a regular file (a link or a folder is in its place): move it away, "
                + "Otto then writes a new file there");
    }

    /**
     * An open file is no longer at its path (deleted, moved, replaced): retired, reported once. What
     * was written to it and not yet fsynced is lost at its fsync (whose check fails). Under io.
     */
    private void replaced(DayFile f) {
        retire(f);
        boolean folderGone = !Files.isDirectory(dir);
        String what = f.file + (folderGone ? " and its folder were" : " was") + " deleted or replaced while Otto wrote"
                + " to it";
        lastError = what;
        lastErrorAt = clock.instant();
        reporter.warn("JSONL telemetry sink: " + what + "; writing goes on in a new file"
                + (folderGone ? " in the folder, recreated owner-only" : "") + "; records not yet durable in the old"
                + " one are counted as dropped (otto:sinks)");
    }

    /**
     * What is wrong with the folder or the files being written, one line, or null: the folder is
     * gone, an open file is not at its path any more, or writes fail. A {@code stat} per open file.
     */
    String problem() {
        if (closed()) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return "telemetry folder " + dir + " is missing (deleted while Otto ran?): Otto recreates it within "
                    + VERIFY_EVERY.toSeconds() + " s or with the next record; if this stays, check that Otto may "
                    + "write to " + dir.getParent();
        }
        io.lock();
        try {
            for (DayFile f : files.values()) {
                if (!Objects.equals(identity(f.file), f.key)) {
                    return f.file + " was deleted or replaced while Otto wrote to it: Otto opens a new one within "
                            + VERIFY_EVERY.toSeconds() + " s or with the next record";
                }
            }
        } finally {
            io.unlock();
        }
        if (failing) {
            return "the JSONL telemetry sink cannot write to " + dir + ": " + lastError
                    + "; records are counted as dropped until it can (otto:sinks)";
        }
        return null;
    }

    /**
     * The flusher's look at the open files and the folder: a replaced file retired, a deleted folder
     * recreated; then, while writes fail, a {@link #probe} outside io (an fsync must not hold up
     * {@link #problem}, which {@code otto:status} calls).
     */
    private void verify() {
        boolean probe;
        io.lock();
        try {
            for (DayFile f : new ArrayList<>(files.values())) {
                if (!Objects.equals(identity(f.file), f.key)) {
                    replaced(f);
                }
            }
            createFolder();
            probe = failing;
        } catch (IOException | RuntimeException e) {
            failing = true;
            lastError = "cannot recreate " + dir + ": " + oneLine(e);
            lastErrorAt = clock.instant();
            probe = false;
        } finally {
            io.unlock();
        }
        if (probe) {
            probe();
        }
    }

    /**
     * While writes fail and no record comes to try again: ends the failing state if the next record
     * would be written, so a disk that has room again stops being a problem without waiting for a
     * record. That is: today's file is absent or a regular file (not a link or folder put in its
     * place), and {@value #PROBE_BYTES} bytes written and fsynced to a probe file beside the day
     * files, through the same opener, land. The probe file is deleted either way.
     */
    private void probe() {
        probes.incrementAndGet();
        Path today = file(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        if (Files.exists(today, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(today, LinkOption.NOFOLLOW_LINKS)) {
            return; // still not writable: the next record would be lost too
        }
        Path probe = dir.resolve(PROBE_FILE);
        try (Output output = opener.open(probe)) {
            output.write(ByteBuffer.allocate(PROBE_BYTES));
            output.force();
            failing = false;
        } catch (Exception stillFailing) {
            // the last error stands; the next tick or record tries again
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a probe left behind is overwritten by the next one and never read as telemetry
            }
        }
    }

    /** How many times {@link #probe} ran: lets a test wait for one without waiting on time. */
    long probes() {
        return probes.get();
    }

    /**
     * Stops writing to a file: closed now if nothing of it awaits an fsync, else by the next flush
     * after its fsync (a day's records are durable before its file is closed). Under io.
     */
    private void retire(DayFile f) {
        if (files.get(f.day) == f) {
            files.remove(f.day);
        }
        if (f.retired) {
            return;
        }
        f.retired = true;
        if (f.unsynced.isEmpty() && !f.syncing) {
            closeQuietly(f.output);
        } else {
            retired.add(f);
        }
    }

    /** Fsyncs a file's unsynced records where the caller stands (strict mode, close); true if durable. */
    private boolean syncNow(DayFile f) {
        return sync(f, f.takeUnsynced());
    }

    /**
     * Fsyncs records written to a file; true if they are now durable, else they are lost. Durable
     * means in the file at its path: records fsynced to a file deleted or replaced meanwhile are lost.
     */
    private boolean sync(DayFile f, List<long[]> ranges) {
        Output output = f.output;
        Path file = f.file;
        LocalDate day = f.day;
        if (ranges.isEmpty()) {
            return true;
        }
        try {
            output.force();
            if (!Objects.equals(identity(file), f.key)) {
                String what = file + " was deleted or replaced before its last records were durable";
                lastError = what;
                lastErrorAt = clock.instant();
                lose(ranges, day, what, null);
                return false;
            }
            long count = 0;
            for (long[] r : ranges) {
                count += r[1] - r[0] + 1;
            }
            written.addAndGet(count);
            failing = false;
            return true;
        } catch (IOException | RuntimeException e) {
            lose(ranges, day, "cannot fsync " + file, e);
            return false;
        }
    }

    /** The flusher's tick: a failure must not cancel the next ones. */
    private void tick() {
        try {
            flush();
            long now = System.nanoTime();
            if (now - lastVerify >= VERIFY_EVERY.toNanos()) {
                lastVerify = now;
                verify();
            }
        } catch (RuntimeException e) {
            reporter.warn("JSONL telemetry sink: group commit failed: " + oneLine(e) + "; it retries at the next tick");
        }
    }

    /** A file and the records a flush fsyncs on it. */
    private record Commit(DayFile file, List<long[]> ranges) {
    }

    /**
     * Writes every record appended so far, fsyncs what was written since the last flush, outside io,
     * and settles those records (durable or lost); the flusher calls it every {@code fsyncInterval},
     * and close.
     */
    void flush() {
        syncing.lock();
        try {
            long upTo;
            List<Commit> commits = new ArrayList<>();
            io.lock();
            try {
                synchronized (lock) {
                    sealFilling();
                    upTo = seq;
                }
                writeSealed();
                // every record up to upTo is now lost, or written to an open or a retired file
                for (DayFile f : retired) {
                    commits.add(new Commit(f, f.takeUnsynced()));
                }
                retired.clear();
                for (DayFile f : files.values()) {
                    if (!f.unsynced.isEmpty()) {
                        f.syncing = true;
                        commits.add(new Commit(f, f.takeUnsynced()));
                    }
                }
            } finally {
                io.unlock();
            }
            List<DayFile> failed = new ArrayList<>();
            for (Commit c : commits) {
                DayFile f = c.file();
                if (!sync(f, c.ranges())) {
                    failed.add(f);
                }
                if (!f.syncing) {
                    closeQuietly(f.output); // retired before this flush began
                }
            }
            io.lock();
            try {
                for (Commit c : commits) {
                    DayFile f = c.file();
                    if (!f.syncing) {
                        continue;
                    }
                    f.syncing = false;
                    if (failed.contains(f)) {
                        // what was written to it since cannot be trusted either (a later fsync may not
                        // report the same error): lost, and the file reopened for the next batch
                        lose(f.takeUnsynced(), f.day, "cannot fsync " + f.file, null);
                        retire(f);
                    } else if (f.retired && f.unsynced.isEmpty()) {
                        retired.remove(f);
                        closeQuietly(f.output);
                    }
                }
            } finally {
                io.unlock();
            }
            settle(upTo);
        } finally {
            syncing.unlock();
        }
    }

    /** Writes the records appended so far to their files (no fsync), for readers of the files. */
    void writeOut() {
        io.lock();
        try {
            synchronized (lock) {
                sealFilling();
            }
            writeSealed();
        } finally {
            io.unlock();
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

    /** Every record up to {@code to} is settled: durable unless in a lost range. */
    private void settle(long to) {
        synchronized (durable) {
            if (to > settledSeq) {
                settledSeq = to;
                durable.notifyAll();
            }
        }
    }

    /** Records that will never be durable: counted as dropped, answered false by awaitDurable. */
    private void lose(List<long[]> ranges, LocalDate day, String what, Throwable e) {
        if (ranges.isEmpty()) {
            return;
        }
        long count = 0;
        synchronized (durable) {
            for (long[] r : ranges) {
                lost.put(r[0], r[1]);
                count += r[1] - r[0] + 1;
            }
            while (lost.size() > 1000) {
                lost.pollFirstEntry();
            }
        }
        drop(day, count, what, e);
    }

    /** Creates the file owner-only (and the folder, if new), or tightens it, and cuts a torn last line. */
    private void prepare(Path file) throws IOException {
        createFolder();
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw notRegular(file); // never written through a link
        }
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

    private void drop(LocalDate day, long count, String what, Throwable e) {
        long total = dropped.addAndGet(count);
        droppedByDay.computeIfAbsent(day, d -> new AtomicLong()).addAndGet(count);
        if (e == null) {
            return; // stopped, or lost with an error already reported
        }
        failing = true;
        // the exception's own words: a file system message, never a record (records are not in exceptions)
        String error = what + ": " + oneLine(e);
        lastError = error;
        lastErrorAt = clock.instant();
        synchronized (errors) {
            long now = System.nanoTime();
            if (lastErrorLogged == Long.MIN_VALUE || now - lastErrorLogged >= settings.errorLogInterval().toNanos()) {
                reporter.error("JSONL telemetry sink: " + error + "; " + (total - droppedAtLastLog)
                        + " record(s) dropped since the last report, " + total + " in all; it retries at the next record");
                lastErrorLogged = now;
                droppedAtLastLog = total;
            }
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : " " + message);
        text = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
        return text.length() > 300 ? text.substring(0, 300) + JsonLine.TRUNCATED : text;
    }

    private static void closeQuietly(Output output) {
        try {
            output.close();
        } catch (IOException | RuntimeException ignored) {
            // closing after a failure: the next open repairs whatever the file holds
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

    /** Writes, fsyncs and closes; later appends are dropped. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (flusher != null) {
            flusher.shutdown(); // not shutdownNow: an interrupt must not hit an fsync in progress
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
        syncing.lock();
        io.lock();
        try {
            for (DayFile f : new ArrayList<>(files.values())) {
                retire(f);
            }
            for (DayFile f : retired) {
                syncNow(f);
                closeQuietly(f.output);
            }
            retired.clear();
        } finally {
            io.unlock();
            syncing.unlock();
        }
    }
}
