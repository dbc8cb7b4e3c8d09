package dev.otto.telemetry.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.spi.PluginName;
import dev.otto.api.spi.PluginProperties;
import dev.otto.api.spi.SinkStats;
import dev.otto.api.spi.TelemetrySink;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.api.telemetry.store.SinkHealth;
import dev.otto.api.telemetry.store.TelemetryStore;
import dev.otto.api.telemetry.store.WireRecords;
import dev.otto.support.sqlite.Reporter;

/**
 * The SQLite telemetry sink: runs, their transitions and fallback events in
 * {@code <data>/telemetry.db}, written in batches. Also the highest-ranked built-in
 * {@link TelemetryStore}: {@code otto:report} and {@code otto:telemetry} read from it, and it writes
 * {@code <data>/telemetry/daily-YYYY-MM-DD.json} when a day closes.
 */
@Component(name = SqliteSink.PID, configurationPid = SqliteSink.PID, immediate = true,
        service = { TelemetrySink.class, TelemetryStore.class },
        property = Constants.SERVICE_RANKING + ":Integer=" + SqliteSink.RANKING)
@Designate(ocd = SqliteSinkConfig.class)
@PluginName(SqliteSink.NAME)
public final class SqliteSink implements TelemetrySink, TelemetryStore {

    /** Configuration PID. */
    public static final String PID = "dev.otto.telemetry.sqlite";

    /** Plugin name. */
    public static final String NAME = "sqlite";

    static final int RANKING = PluginProperties.DEFAULT_RANKING;

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private static final String RUN_COLUMNS = "run_id, task_id, task_type, flow, job_id, route_type, resolution_source,"
            + " requested_model, selected_model, final_model, attempt_count, outcome, error_class, tokens_in,"
            + " tokens_out, started_at, finished_at, policy_audit, catalog_age_ms, config_version";

    /** What the sink needs besides the database. */
    record Settings(SqliteWriter.Settings writer, int retentionDays, Duration dayCloseGrace) {
    }

    private final TelemetryDatabase database;
    private final SqliteWriter writer;
    private final Path reportDir;
    private final Clock clock;
    private final Settings settings;
    private final Reporter reporter;
    private final Object readLock = new Object();
    private Connection reader; // guarded by readLock
    private final ScheduledExecutorService days;

    @Activate
    public SqliteSink(BundleContext context, SqliteSinkConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(paths(context), config.fullSync(), Clock.systemUTC(), settings(config), Reporter.of(logger), true);
    }

    private SqliteSink(OttoPaths paths, boolean fullSync, Clock clock, Settings settings, Reporter reporter,
            boolean tick) {
        this(openLogged(paths.dataDir().resolve(TelemetryDatabase.FILE), fullSync, reporter), paths.telemetryDir(),
                clock, settings, reporter, tick);
    }

    SqliteSink(TelemetryDatabase database, Path reportDir, Clock clock, Settings settings, Reporter reporter,
            boolean tick) {
        this.database = database;
        this.reportDir = reportDir;
        this.clock = clock;
        this.settings = settings;
        this.reporter = reporter;
        this.writer = new SqliteWriter(database, clock, settings.writer(), reporter);
        if (tick) {
            days = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "otto-telemetry-sqlite-days");
                t.setDaemon(true);
                return t;
            });
            days.scheduleWithFixedDelay(this::closeDaysQuietly, 1, 30, TimeUnit.SECONDS);
        } else {
            days = null;
        }
    }

    private static OttoPaths paths(BundleContext context) {
        return OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
    }

    private static TelemetryDatabase openLogged(Path file, boolean fullSync, Reporter reporter) {
        try {
            return TelemetryDatabase.open(file, fullSync, reporter);
        } catch (RuntimeException e) {
            reporter.error(e.getMessage());
            throw new IllegalStateException(e.getMessage());
        }
    }

    static Settings settings(SqliteSinkConfig config) {
        if (config.batchSize() < 1 || config.batchSize() > 1000 || config.batchDelayMillis() < 1
                || config.batchDelayMillis() > 100 || config.bufferCapacity() < 1 || config.retentionDays() < 0
                || config.errorLogIntervalSeconds() < 0 || config.dayCloseGraceSeconds() < 0) {
            throw new IllegalArgumentException("invalid " + PID + " configuration: expected batchSize 1..1000, "
                    + "batchDelayMillis 1..100, bufferCapacity >= 1, retentionDays >= 0, errorLogIntervalSeconds >= 0,"
                    + " dayCloseGraceSeconds >= 0");
        }
        return new Settings(new SqliteWriter.Settings(config.batchSize(), Duration.ofMillis(config.batchDelayMillis()),
                config.bufferCapacity(), Duration.ofSeconds(config.errorLogIntervalSeconds())), config.retentionDays(),
                Duration.ofSeconds(config.dayCloseGraceSeconds()));
    }

    @Deactivate
    void deactivate() {
        if (days != null) {
            days.shutdown();
        }
        writer.close();
        synchronized (readLock) {
            if (reader != null) {
                try {
                    reader.close();
                } catch (SQLException ignored) {
                    // nothing open on it
                }
                reader = null;
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void accept(TelemetryRecord record) {
        writer.submit(record);
    }

    SqliteWriter writer() {
        return writer;
    }

    /** The database file's state, for {@link TelemetryDatabaseCheck}. */
    TelemetryDatabase database() {
        return database;
    }

    @Override
    public Optional<SinkStats> stats() {
        return Optional.of(new SinkStats(writer.written(), writer.dropped()));
    }

    @Override
    public SinkHealth health() {
        String state = writer.closed() ? "closed" : writer.failing() ? "failing" : "ok";
        return new SinkHealth(state, writer.written(), writer.dropped(), 0, writer.lastError(), writer.lastErrorAt(),
                database.file().toString());
    }

    @Override
    public List<RunTelemetry> recentRuns(int limit) {
        positive(limit);
        return read("reading recent runs", c -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + RUN_COLUMNS
                    + " FROM runs ORDER BY finished_at DESC, rowid DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(runWire(rs));
                    }
                }
            }
            List<RunTelemetry> runs = new ArrayList<>(rows.size());
            try (PreparedStatement s = c.prepareStatement("SELECT attempt, from_model, to_model, reason, error_class, at"
                    + " FROM transitions WHERE run_id = ? ORDER BY attempt")) {
                for (Map<String, Object> row : rows) {
                    s.setString(1, (String) row.get("run_id"));
                    List<Map<String, Object>> steps = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            Map<String, Object> step = new LinkedHashMap<>();
                            step.put("attempt", rs.getInt(1));
                            step.put("from", rs.getString(2));
                            step.put("to", rs.getString(3));
                            step.put("reason", rs.getString(4));
                            step.put("error_class", rs.getString(5));
                            step.put("at", rs.getString(6));
                            steps.add(step);
                        }
                    }
                    row.put("transitions", steps);
                    try {
                        runs.add(WireRecords.run(row));
                    } catch (RuntimeException invalid) {
                        // a row edited by hand into something invalid is left out
                    }
                }
            }
            return runs;
        });
    }

    private static Map<String, Object> runWire(ResultSet rs) throws SQLException {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("event", RunTelemetry.TYPE);
        w.put("run_id", rs.getString("run_id"));
        w.put("task_id", rs.getString("task_id"));
        w.put("task_type", rs.getString("task_type"));
        w.put("flow", rs.getString("flow"));
        long jobId = rs.getLong("job_id");
        w.put("job_id", rs.wasNull() ? null : jobId);
        w.put("route_type", rs.getString("route_type"));
        w.put("resolution_source", rs.getString("resolution_source"));
        w.put("requested_model", rs.getString("requested_model"));
        w.put("selected_model", rs.getString("selected_model"));
        w.put("final_model", rs.getString("final_model"));
        w.put("attempt_count", rs.getInt("attempt_count"));
        w.put("outcome", rs.getString("outcome"));
        w.put("error_class", rs.getString("error_class"));
        w.put("tokens_in", rs.getLong("tokens_in"));
        w.put("tokens_out", rs.getLong("tokens_out"));
        w.put("started_at", rs.getString("started_at"));
        w.put("finished_at", rs.getString("finished_at"));
        String audit = rs.getString("policy_audit");
        w.put("policy_audit", audit == null || audit.isEmpty() ? List.of() : Arrays.asList(audit.split(",")));
        w.put("catalog_age_ms", rs.getLong("catalog_age_ms"));
        w.put("config_version", rs.getString("config_version"));
        return w;
    }

    @Override
    public List<FallbackEvent> recentFallbacks(int limit) {
        positive(limit);
        return read("reading recent fallback events", c -> {
            List<FallbackEvent> events = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT run_id, task_id, from_model, to_model, reason,"
                    + " route_type, error_class, attempt, ts FROM fallback_events ORDER BY id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> w = new LinkedHashMap<>();
                        w.put("event", FallbackEvent.TYPE);
                        w.put("run_id", rs.getString(1));
                        w.put("task_id", rs.getString(2));
                        w.put("from", rs.getString(3));
                        w.put("to", rs.getString(4));
                        w.put("reason", rs.getString(5));
                        w.put("route_type", rs.getString(6));
                        w.put("error_class", rs.getString(7));
                        w.put("attempt", rs.getInt(8));
                        w.put("ts", rs.getString(9));
                        try {
                            events.add(WireRecords.fallback(w));
                        } catch (RuntimeException invalid) {
                            // a row edited by hand into something invalid is left out
                        }
                    }
                }
            }
            return events;
        });
    }

    @Override
    public DailyReport report(LocalDate day) {
        String d = day.toString();
        DailyReport built = read("computing the report of " + d, c -> {
            DailyReport.Builder builder = new DailyReport.Builder(day, NAME);
            try (PreparedStatement s = c.prepareStatement("SELECT coalesce(flow, task_type), route_type, final_model,"
                    + " outcome, transition_count, tokens_in, tokens_out, duration_ms, policy_audit FROM runs WHERE day = ?")) {
                s.setString(1, d);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        builder.addRun(rs.getString(1), rs.getString(2), rs.getString(3),
                                "success".equals(rs.getString(4)), rs.getInt(5), rs.getLong(6), rs.getLong(7),
                                rs.getLong(8));
                        String audit = rs.getString(9);
                        builder.addAudit(audit == null || audit.isEmpty() ? List.of() : Arrays.asList(audit.split(",")));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT reason FROM transitions WHERE day = ?")) {
                s.setString(1, d);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        builder.addFallback(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT count FROM dropped_events WHERE day = ?")) {
                s.setString(1, d);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        builder.addDropped(rs.getLong(1));
                    }
                }
            }
            return builder.build();
        });
        return built.withEventsDropped(built.eventsDropped() + writer.droppedInMemory(day));
    }

    /** The day that is still open: a day closes {@code dayCloseGrace} after its UTC midnight. */
    LocalDate openDay() {
        return LocalDate.ofInstant(clock.instant().minus(settings.dayCloseGrace()), ZoneOffset.UTC);
    }

    /**
     * Deletes rows past retention, then writes the report of every closed day with rows and no
     * report file yet.
     *
     * @return the days whose report this call wrote
     */
    List<LocalDate> closeDays() throws IOException {
        LocalDate open = openDay();
        if (settings.retentionDays() > 0) {
            String cutoff = open.minusDays(settings.retentionDays()).toString();
            int deleted = write("deleting rows past retention", c -> {
                int n = 0;
                for (String table : List.of("runs", "transitions", "fallback_events", "dropped_events")) {
                    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE day < ?")) {
                        s.setString(1, cutoff);
                        n += s.executeUpdate();
                    }
                }
                return n;
            });
            if (deleted > 0) {
                reporter.info("deleted " + deleted + " telemetry row(s) of days before " + cutoff
                        + " (retention " + settings.retentionDays() + " days)");
            }
        }
        List<LocalDate> closed = read("listing past days", c -> {
            List<LocalDate> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT day FROM runs WHERE day < ?"
                    + " UNION SELECT DISTINCT day FROM fallback_events WHERE day < ? ORDER BY 1")) {
                s.setString(1, open.toString());
                s.setString(2, open.toString());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        list.add(LocalDate.parse(rs.getString(1)));
                    }
                }
            }
            return list;
        });
        List<LocalDate> wrote = new ArrayList<>();
        for (LocalDate day : closed) {
            Path target = reportDir.resolve(DailyReport.fileName(day));
            if (!Files.exists(target) && writeDaily(target, report(day))) {
                wrote.add(day);
                reporter.info("day " + day + " closed: wrote " + target);
            }
        }
        return wrote;
    }

    private void closeDaysQuietly() {
        try {
            closeDays();
        } catch (IOException | RuntimeException e) {
            reporter.warn("SQLite telemetry sink: closing past days failed: " + e.getMessage()
                    + "; it tries again in 30 s");
        }
    }

    private boolean writeDaily(Path target, DailyReport report) throws IOException {
        if (!Files.isDirectory(reportDir)) {
            // the reports folder is the telemetry folder: owner-only, like what goes in it
            Files.createDirectories(reportDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(reportDir, ".daily-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, (JSON.writeValueAsString(report.toWire()) + "\n").getBytes(StandardCharsets.US_ASCII));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** The longest a read waits for the records accepted before it to be committed. */
    static final Duration READ_YOUR_WRITES = Duration.ofSeconds(5);

    private <T> T read(String what, Work<T> work) {
        // what was accepted before the read is in it (otto:telemetry right after otto:ask shows that run),
        // unless the database is stuck: then what is committed is shown, not nothing
        try {
            writer.awaitSettled(READ_YOUR_WRITES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (readLock) {
            try {
                if (reader == null) {
                    reader = database.connect();
                }
                return work.run(reader);
            } catch (SQLException e) {
                throw new IllegalStateException(what + " in " + database.file() + " failed: " + e.getMessage(), e);
            }
        }
    }

    private <T> T write(String what, Work<T> work) {
        // maintenance writes use their own connection; the busy timeout waits for the batch writer
        try (Connection c = database.connect()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " in " + database.file() + " failed: " + e.getMessage(), e);
        }
    }

    private static void positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + ": expected >= 1");
        }
    }
}
