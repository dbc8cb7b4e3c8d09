package dev.otto.telemetry.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.sqlite.Reporter;

/**
 * Writes records to the telemetry database in batched transactions: a batch is committed when it
 * holds {@code batchSize} records or {@code batchDelay} after its first record, whichever comes
 * first. {@link #submit} never blocks: a full buffer drops the newest record, counted. A failed
 * commit drops its batch, counted by day (stored with the next successful commit), records the
 * error and logs it at most once per {@code errorLogInterval}; the next batch tries again on a
 * fresh connection.
 */
final class SqliteWriter implements AutoCloseable {

    /** How the writer batches. */
    record Settings(int batchSize, Duration batchDelay, int bufferCapacity, Duration errorLogInterval) {
    }

    private record Item(long seq, TelemetryRecord record) {
    }

    private static final String INSERT_RUN = "INSERT OR IGNORE INTO runs (run_id, task_id, task_type, flow, job_id,"
            + " route_type, resolution_source, requested_model, selected_model, final_model, attempt_count,"
            + " transition_count, outcome, error_class, tokens_in, tokens_out, started_at, finished_at, duration_ms,"
            + " policy_audit, catalog_age_ms, config_version, day)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TRANSITION = "INSERT OR IGNORE INTO transitions (run_id, attempt, from_model,"
            + " to_model, reason, error_class, at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_EVENT = "INSERT INTO fallback_events (run_id, task_id, from_model, to_model,"
            + " reason, route_type, error_class, attempt, ts, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String ADD_DROPPED = "INSERT INTO dropped_events (day, count) VALUES (?, ?)"
            + " ON CONFLICT (day) DO UPDATE SET count = count + excluded.count";

    private final TelemetryDatabase database;
    private final Clock clock;
    private final Settings settings;
    private final Reporter reporter;
    private final BlockingQueue<Item> buffer;
    private final Thread thread;
    private final Object submitLock = new Object();
    private long seq; // guarded by submitLock
    private volatile boolean closing;
    /** A reader waits for what was submitted: the batch being filled is committed without its delay. */
    private volatile boolean readerWaiting;

    private final Object settled = new Object();
    private long settledSeq; // guarded by settled
    private final TreeMap<Long, Long> lost = new TreeMap<>(); // guarded by settled

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Map<LocalDate, AtomicLong> droppedByDay = new ConcurrentHashMap<>();
    private final Map<LocalDate, Long> unstoredDrops = new HashMap<>(); // guarded by itself
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile boolean failing;
    private long lastErrorLogged = Long.MIN_VALUE; // writer thread only
    private long droppedAtLastLog; // writer thread only
    private Connection connection; // writer thread only

    SqliteWriter(TelemetryDatabase database, Clock clock, Settings settings, Reporter reporter) {
        this.database = database;
        this.clock = clock;
        this.settings = settings;
        this.reporter = reporter;
        this.buffer = new ArrayBlockingQueue<>(settings.bufferCapacity());
        this.thread = new Thread(this::run, "otto-telemetry-sqlite-writer");
        thread.setDaemon(true);
        thread.start();
    }

    static LocalDate dayOf(TelemetryRecord record) {
        Instant at = record instanceof RunTelemetry run ? run.finishedAt() : ((FallbackEvent) record).ts();
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * Queues a record for the next batch; never blocks.
     *
     * @return its sequence number for {@link #awaitCommitted}, or -1 if it was dropped
     */
    long submit(TelemetryRecord record) {
        synchronized (submitLock) {
            if (closing) {
                countDrop(dayOf(record), 1);
                return -1;
            }
            long s = seq + 1;
            if (!buffer.offer(new Item(s, record))) {
                countDrop(dayOf(record), 1);
                return -1;
            }
            seq = s;
            return s;
        }
    }

    /**
     * Waits until the record with sequence number {@code s} is committed.
     *
     * @return true if its commit returned, false if it was lost or the wait timed out
     */
    boolean awaitCommitted(long s, Duration timeout) throws InterruptedException {
        if (s < 0) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settled) {
            while (settledSeq < s) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settled, left);
            }
            Map.Entry<Long, Long> range = lost.floorEntry(s);
            return range == null || range.getValue() < s;
        }
    }

    /**
     * Waits until every record submitted before this call is settled (committed or lost), so that a
     * read that follows sees them: read-your-writes for {@code otto:telemetry} right after a run. The
     * batch being filled is committed at its next look at the buffer instead of after {@code batchDelay}.
     *
     * @return true if they are settled, false if the wait timed out (the database is stuck)
     */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long s;
        synchronized (submitLock) {
            s = seq;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (settled) {
            while (settledSeq < s) {
                readerWaiting = true;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settled, Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
            }
            return true;
        }
    }

    private void run() {
        List<Item> batch = new ArrayList<>(settings.batchSize());
        try {
            while (true) {
                Item first = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && buffer.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + settings.batchDelay().toNanos();
                while (batch.size() < settings.batchSize()) {
                    if (closing || readerWaiting) {
                        buffer.drainTo(batch, settings.batchSize() - batch.size());
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    // short polls, so that a reader that starts waiting is answered without the batch delay
                    Item next = left > 0 ? buffer.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(2)),
                            TimeUnit.NANOSECONDS) : buffer.poll();
                    if (next == null && left > 0 && !readerWaiting) {
                        continue;
                    }
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                readerWaiting = false; // cleared before the commit: a reader that sets it again waits for the next
                commit(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            // close() gave up waiting: what is left is counted as dropped there
        } finally {
            closeConnection();
        }
    }

    private void commit(List<Item> batch) {
        long from = batch.get(0).seq();
        long to = batch.get(batch.size() - 1).seq();
        Map<LocalDate, Long> drops;
        synchronized (unstoredDrops) {
            drops = new HashMap<>(unstoredDrops);
            unstoredDrops.clear();
        }
        try {
            Connection c = connection();
            execute(c, "BEGIN IMMEDIATE");
            boolean done = false;
            try {
                insert(c, batch);
                if (!drops.isEmpty()) {
                    try (PreparedStatement add = c.prepareStatement(ADD_DROPPED)) {
                        for (Map.Entry<LocalDate, Long> e : drops.entrySet()) {
                            add.setString(1, e.getKey().toString());
                            add.setLong(2, e.getValue());
                            add.addBatch();
                        }
                        add.executeBatch();
                    }
                }
                execute(c, "COMMIT");
                done = true;
            } finally {
                if (!done) {
                    try {
                        execute(c, "ROLLBACK");
                    } catch (SQLException alreadyRolledBack) {
                        // SQLite ended the transaction itself
                    }
                }
            }
            written.addAndGet(batch.size());
            failing = false;
            settle(from, to, true);
        } catch (SQLException | RuntimeException e) {
            synchronized (unstoredDrops) {
                drops.forEach((day, n) -> unstoredDrops.merge(day, n, Long::sum));
            }
            for (Item item : batch) {
                countDrop(dayOf(item.record()), 1);
            }
            closeConnection();
            failed(e, batch.size());
            settle(from, to, false);
        }
    }

    private void insert(Connection c, List<Item> batch) throws SQLException {
        try (PreparedStatement runs = c.prepareStatement(INSERT_RUN);
                PreparedStatement steps = c.prepareStatement(INSERT_TRANSITION);
                PreparedStatement events = c.prepareStatement(INSERT_EVENT)) {
            boolean anyRun = false;
            boolean anyStep = false;
            boolean anyEvent = false;
            for (Item item : batch) {
                if (item.record() instanceof RunTelemetry run) {
                    bindRun(runs, run);
                    runs.addBatch();
                    anyRun = true;
                    String day = dayOf(run).toString();
                    for (ModelTransition t : run.transitions()) {
                        Map<String, Object> w = t.toWire();
                        steps.setString(1, run.runId());
                        steps.setInt(2, t.attempt());
                        steps.setString(3, (String) w.get("from"));
                        steps.setString(4, (String) w.get("to"));
                        steps.setString(5, (String) w.get("reason"));
                        steps.setString(6, (String) w.get("error_class"));
                        steps.setString(7, (String) w.get("at"));
                        steps.setString(8, day);
                        steps.addBatch();
                        anyStep = true;
                    }
                } else if (item.record() instanceof FallbackEvent event) {
                    Map<String, Object> w = event.toWire();
                    events.setString(1, (String) w.get("run_id"));
                    events.setString(2, (String) w.get("task_id"));
                    events.setString(3, (String) w.get("from"));
                    events.setString(4, (String) w.get("to"));
                    events.setString(5, (String) w.get("reason"));
                    events.setString(6, (String) w.get("route_type"));
                    events.setString(7, (String) w.get("error_class"));
                    events.setInt(8, (Integer) w.get("attempt"));
                    events.setString(9, (String) w.get("ts"));
                    events.setString(10, dayOf(event).toString());
                    events.addBatch();
                    anyEvent = true;
                }
            }
            if (anyRun) {
                runs.executeBatch();
            }
            if (anyStep) {
                steps.executeBatch();
            }
            if (anyEvent) {
                events.executeBatch();
            }
        }
    }

    /** Binds the allow-listed wire fields of a run, and nothing else. */
    private static void bindRun(PreparedStatement s, RunTelemetry run) throws SQLException {
        Map<String, Object> w = run.toWire();
        s.setString(1, (String) w.get("run_id"));
        s.setString(2, (String) w.get("task_id"));
        s.setString(3, (String) w.get("task_type"));
        s.setString(4, (String) w.get("flow"));
        if (w.get("job_id") == null) {
            s.setNull(5, Types.INTEGER);
        } else {
            s.setLong(5, ((Number) w.get("job_id")).longValue());
        }
        s.setString(6, (String) w.get("route_type"));
        s.setString(7, (String) w.get("resolution_source"));
        s.setString(8, (String) w.get("requested_model"));
        s.setString(9, (String) w.get("selected_model"));
        s.setString(10, (String) w.get("final_model"));
        s.setInt(11, run.attemptCount());
        s.setInt(12, run.transitions().size());
        s.setString(13, (String) w.get("outcome"));
        s.setString(14, (String) w.get("error_class"));
        s.setLong(15, run.tokensIn());
        s.setLong(16, run.tokensOut());
        s.setString(17, (String) w.get("started_at"));
        s.setString(18, (String) w.get("finished_at"));
        s.setLong(19, ((Number) w.get("duration_ms")).longValue());
        s.setString(20, String.join(",", run.policyAudit()));
        s.setLong(21, run.catalogAgeMs());
        s.setString(22, (String) w.get("config_version"));
        s.setString(23, dayOf(run).toString());
    }

    private void countDrop(LocalDate day, long n) {
        dropped.addAndGet(n);
        droppedByDay.computeIfAbsent(day, d -> new AtomicLong()).addAndGet(n);
        synchronized (unstoredDrops) {
            unstoredDrops.merge(day, n, Long::sum);
        }
    }

    private void failed(Exception e, int size) {
        failing = true;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // SQLite's messages name tables, columns and constraints, never bound values
        String error = "commit of " + size + " record(s) to " + database.file() + " failed: "
                + message.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ");
        lastError = error.length() > 400 ? error.substring(0, 400) + "...[truncated]" : error;
        lastErrorAt = clock.instant();
        long now = System.nanoTime();
        long count = dropped.get();
        if (lastErrorLogged == Long.MIN_VALUE || now - lastErrorLogged >= settings.errorLogInterval().toNanos()) {
            reporter.error("SQLite telemetry sink: " + lastError + "; " + (count - droppedAtLastLog)
                    + " record(s) dropped since the last report, " + count + " in all; the next batch tries again");
            lastErrorLogged = now;
            droppedAtLastLog = count;
        }
    }

    private void settle(long from, long to, boolean ok) {
        synchronized (settled) {
            if (!ok) {
                lost.put(from, to);
                while (lost.size() > 1000) {
                    lost.pollFirstEntry();
                }
            }
            settledSeq = Math.max(settledSeq, to);
            settled.notifyAll();
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = database.connect();
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing is open on it
            }
            connection = null;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long written() {
        return written.get();
    }

    long dropped() {
        return dropped.get();
    }

    long queued() {
        return buffer.size();
    }

    long droppedInMemory(LocalDate day) {
        synchronized (unstoredDrops) {
            return unstoredDrops.getOrDefault(day, 0L);
        }
    }

    boolean failing() {
        return failing;
    }

    boolean closed() {
        return closing;
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }

    /** Commits what is buffered (waiting up to 10 s), then stops; later records are dropped. */
    @Override
    public void close() {
        synchronized (submitLock) {
            closing = true;
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
        List<Item> left = new ArrayList<>();
        buffer.drainTo(left);
        for (Item item : left) {
            countDrop(dayOf(item.record()), 1);
        }
    }
}
