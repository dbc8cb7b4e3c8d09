package dev.otto.telemetry.sqlite;

import static dev.otto.telemetry.BenchTelemetry.check;

import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.sqlite.Reporter;
import dev.otto.telemetry.BenchTelemetry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 7, SQLite: the sink at its defaults (batches of at most 1,000 records or 100 ms, WAL,
 * {@code synchronous=NORMAL}) against raw batched inserts of the same rows into the same schema;
 * goal: the sink at least 0.7x the raw inserts' records per second.
 *
 * <p>One operation stores {@value #RECORDS} records of the pre-built pool ({@link BenchTelemetry}:
 * runs, some with transitions, and fallback events; every run id distinct) and ends only when all
 * of them are committed, so the figure (records/s) includes the commits:
 *
 * <ul>
 * <li>{@code s1_rawBatchedInserts}: one connection from the sink's own data source (same PRAGMAs:
 *     WAL, {@code synchronous=NORMAL}, busy timeout) and the sink's three {@code INSERT} statements,
 *     prepared once; per 1,000 records {@code BEGIN IMMEDIATE}, bind the pre-computed column values
 *     of the runs, their transitions and the events, {@code executeBatch} each, {@code COMMIT}. One
 *     thread inserting at full speed, so the 100 ms limit never closes a batch: 1,000 records per
 *     commit, as the sink's;</li>
 * <li>{@code s2_sink}: {@code submit} of each record to the sink (what {@code accept} does: the
 *     bounded buffer its writer thread drains into batches), then waits until the last one's
 *     commit returned ({@code awaitCommitted}). The writer thread binds from {@code toWire()}.</li>
 * </ul>
 *
 * <p>Each side gets a new database, created and migrated by the sink's own {@code TelemetryDatabase},
 * in a new folder under {@code java.io.tmpdir} each iteration, deleted at its end; both start at the
 * head of the pool each iteration. The set-up checks that both sides store identical rows. The
 * class sits in the sink's package because its constructor, writer and database are
 * package-private.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms3g", "-Xmx3g" })
public class SqliteSinkBenchmark {

    /** Records per operation: ten full batches. */
    static final int RECORDS = 10_000;

    /** Records per transaction, as the sink's default {@code batchSize}. */
    static final int BATCH = 1_000;

    /** Distinct records in the pool: more than one iteration stores, so no row is ever a duplicate. */
    static final int POOL = Integer.getInteger("otto.bench.telemetryPool", 600_000) / RECORDS * RECORDS;

    // the sink's statements (SqliteWriter), verbatim
    static final String INSERT_RUN = "INSERT OR IGNORE INTO runs (run_id, task_id, task_type, flow, job_id,"
            + " route_type, resolution_source, requested_model, selected_model, final_model, attempt_count,"
            + " transition_count, outcome, error_class, tokens_in, tokens_out, started_at, finished_at, duration_ms,"
            + " policy_audit, catalog_age_ms, config_version, day)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_TRANSITION = "INSERT OR IGNORE INTO transitions (run_id, attempt, from_model,"
            + " to_model, reason, error_class, at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_EVENT = "INSERT INTO fallback_events (run_id, task_id, from_model, to_model,"
            + " reason, route_type, error_class, attempt, ts, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The column values of one record: a run row and its transition rows, or an event row. */
    record Row(Object[] run, Object[][] steps, Object[] event) {
    }

    static TelemetryDatabase newDatabase(Path dir) {
        return TelemetryDatabase.open(dir.resolve(TelemetryDatabase.FILE), false, Reporter.NONE);
    }

    static SqliteSink newSink(TelemetryDatabase db, Path dir) {
        // the shipped defaults, outside OSGi as the sink's tests build it
        return new SqliteSink(db, dir.resolve("telemetry"), Clock.fixed(BenchTelemetry.AT, ZoneOffset.UTC),
                SqliteSink.settings(BenchTelemetry.defaults(SqliteSinkConfig.class)), Reporter.NONE, false);
    }

    /** The records and, for the yardstick, their column values computed beforehand. */
    @State(Scope.Benchmark)
    public static class Pool {
        TelemetryRecord[] records;
        Row[] rows;
        long runs;
        long steps;
        long events;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            records = BenchTelemetry.records(POOL).subList(0, POOL).toArray(new TelemetryRecord[0]);
            rows = new Row[POOL];
            for (int i = 0; i < POOL; i++) {
                rows[i] = row(records[i]);
            }
            for (int i = 0; i < RECORDS; i++) {
                if (rows[i].run() != null) {
                    runs++;
                    steps += rows[i].steps().length;
                } else {
                    events++;
                }
            }
            check(SqliteSinkConfig.class.getMethod("batchSize").getDefaultValue().equals(BATCH),
                    "the sink's default batch size is not " + BATCH);
            checkSameRows();
            System.out.printf("%npool: %,d records; per operation of %,d: %,d runs, %,d transitions, %,d events%n",
                    POOL, RECORDS, runs, steps, events);
        }

        /** Runs among the first {@code n} records. */
        long runsIn(int n) {
            long count = 0;
            for (int i = 0; i < n; i++) {
                if (rows[i].run() != null) {
                    count++;
                }
            }
            return count;
        }

        /** Both sides store the first operation's records; the three tables must be identical. */
        private void checkSameRows() throws Exception {
            Path dir = BenchTelemetry.tempDir("otto-bench-sqlite-check-");
            try {
                Sink sink = new Sink();
                sink.dir = dir.resolve("sink");
                sink.database = newDatabase(sink.dir);
                sink.sink = newSink(sink.database, sink.dir);
                new SqliteSinkBenchmark().s2_sink(this, sink);
                sink.sink.deactivate();
                Raw raw = new Raw();
                raw.dir = dir.resolve("raw");
                raw.open();
                new SqliteSinkBenchmark().s1_rawBatchedInserts(this, raw);
                raw.close();
                for (String table : List.of("runs", "transitions", "fallback_events")) {
                    List<List<Object>> a = dump(sink.database, table);
                    List<List<Object>> b = dump(raw.database, table);
                    check(!a.isEmpty() && a.equals(b), "the sink and the raw inserts stored different " + table);
                }
            } finally {
                BenchTelemetry.delete(dir);
            }
        }

        private static List<List<Object>> dump(TelemetryDatabase db, String table) throws SQLException {
            List<List<Object>> rows = new ArrayList<>();
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY rowid")) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }

        /** The values the sink binds for a record (SqliteWriter.insert and bindRun), computed once here. */
        static Row row(TelemetryRecord record) {
            if (record instanceof RunTelemetry run) {
                Map<String, Object> w = run.toWire();
                String day = LocalDate.ofInstant(run.finishedAt(), ZoneOffset.UTC).toString();
                Object[] values = { w.get("run_id"), w.get("task_id"), w.get("task_type"), w.get("flow"),
                    w.get("job_id") == null ? null : ((Number) w.get("job_id")).longValue(), w.get("route_type"),
                    w.get("resolution_source"), w.get("requested_model"), w.get("selected_model"),
                    w.get("final_model"), run.attemptCount(), run.transitions().size(), w.get("outcome"),
                    w.get("error_class"), run.tokensIn(), run.tokensOut(), w.get("started_at"), w.get("finished_at"),
                    ((Number) w.get("duration_ms")).longValue(), String.join(",", run.policyAudit()),
                    run.catalogAgeMs(), w.get("config_version"), day };
                Object[][] steps = new Object[run.transitions().size()][];
                for (int i = 0; i < steps.length; i++) {
                    ModelTransition t = run.transitions().get(i);
                    Map<String, Object> s = t.toWire();
                    steps[i] = new Object[] { run.runId(), t.attempt(), s.get("from"), s.get("to"), s.get("reason"),
                        s.get("error_class"), s.get("at"), day };
                }
                return new Row(values, steps, null);
            }
            FallbackEvent event = (FallbackEvent) record;
            Map<String, Object> w = event.toWire();
            return new Row(null, null, new Object[] { w.get("run_id"), w.get("task_id"), w.get("from"), w.get("to"),
                w.get("reason"), w.get("route_type"), w.get("error_class"), (Integer) w.get("attempt"), w.get("ts"),
                LocalDate.ofInstant(event.ts(), ZoneOffset.UTC).toString() });
        }
    }

    /** The yardstick's database and statements, new each iteration. */
    @State(Scope.Benchmark)
    public static class Raw {
        Path dir;
        TelemetryDatabase database;
        Connection connection;
        Statement control;
        PreparedStatement runs;
        PreparedStatement steps;
        PreparedStatement events;
        int next;

        @Setup(Level.Iteration)
        public void setUp() throws SQLException {
            dir = BenchTelemetry.tempDir("otto-bench-sqlite-raw-");
            open();
        }

        void open() throws SQLException {
            database = newDatabase(dir);
            connection = database.connect();
            control = connection.createStatement();
            runs = connection.prepareStatement(INSERT_RUN);
            steps = connection.prepareStatement(INSERT_TRANSITION);
            events = connection.prepareStatement(INSERT_EVENT);
            next = 0;
        }

        void close() throws SQLException {
            runs.close();
            steps.close();
            events.close();
            control.close();
            connection.close();
        }

        @TearDown(Level.Iteration)
        public void tearDown(Pool pool) throws SQLException {
            try {
                close();
                check(count(database, "runs") == pool.runsIn(next), "raw: runs missing");
                check(count(database, "fallback_events") == next - pool.runsIn(next), "raw: events missing");
            } finally {
                BenchTelemetry.delete(dir);
            }
        }
    }

    /** The sink, new each iteration with a new database. */
    @State(Scope.Benchmark)
    public static class Sink {
        Path dir;
        TelemetryDatabase database;
        SqliteSink sink;
        int next;

        @Setup(Level.Iteration)
        public void setUp() {
            dir = BenchTelemetry.tempDir("otto-bench-sqlite-sink-");
            database = newDatabase(dir);
            sink = newSink(database, dir);
            next = 0;
        }

        @TearDown(Level.Iteration)
        public void tearDown(Pool pool) throws SQLException {
            try {
                sink.deactivate();
                SqliteWriter w = sink.writer();
                check(w.dropped() == 0 && w.written() == next, "sink wrote " + w.written() + " and dropped "
                        + w.dropped() + " of " + next + ": " + w.lastError());
                check(count(database, "runs") == pool.runsIn(next), "sink: runs missing");
                check(count(database, "fallback_events") == next - pool.runsIn(next), "sink: events missing");
            } finally {
                BenchTelemetry.delete(dir);
            }
        }
    }

    static long count(TelemetryDatabase db, String table) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Yardstick: the same rows, batched 1,000 records per transaction, statements prepared once. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void s1_rawBatchedInserts(Pool pool, Raw raw) throws SQLException {
        check(raw.next + RECORDS <= POOL, "the pool of " + POOL + " records is used up: raise -Dotto.bench.telemetryPool");
        for (int batch = 0; batch < RECORDS; batch += BATCH) {
            raw.control.execute("BEGIN IMMEDIATE");
            boolean anyRun = false;
            boolean anyStep = false;
            boolean anyEvent = false;
            for (int i = 0; i < BATCH; i++) {
                Row row = pool.rows[raw.next++];
                if (row.run() != null) {
                    bind(raw.runs, row.run());
                    raw.runs.addBatch();
                    anyRun = true;
                    for (Object[] step : row.steps()) {
                        bind(raw.steps, step);
                        raw.steps.addBatch();
                        anyStep = true;
                    }
                } else {
                    bind(raw.events, row.event());
                    raw.events.addBatch();
                    anyEvent = true;
                }
            }
            if (anyRun) {
                raw.runs.executeBatch();
            }
            if (anyStep) {
                raw.steps.executeBatch();
            }
            if (anyEvent) {
                raw.events.executeBatch();
            }
            raw.control.execute("COMMIT");
        }
    }

    private static void bind(PreparedStatement s, Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                s.setNull(i + 1, Types.NULL);
            } else if (v instanceof String text) {
                s.setString(i + 1, text);
            } else if (v instanceof Long n) {
                s.setLong(i + 1, n);
            } else {
                s.setInt(i + 1, (Integer) v);
            }
        }
    }

    /** The sink at its defaults: submit every record, then wait until the last one's commit returned. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void s2_sink(Pool pool, Sink sink) throws InterruptedException {
        check(sink.next + RECORDS <= POOL, "the pool of " + POOL + " records is used up: raise -Dotto.bench.telemetryPool");
        SqliteWriter writer = sink.sink.writer();
        long last = -1;
        for (int i = 0; i < RECORDS; i++) {
            // SqliteSink.accept is writer.submit; submit also returns the sequence number to wait on
            last = writer.submit(pool.records[sink.next++]);
        }
        check(writer.awaitCommitted(last, Duration.ofSeconds(60)), "record " + last + " was not committed");
    }
}
