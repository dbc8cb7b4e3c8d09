package dev.otto.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunOutcome;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;

/** The {@code job_runs} table (migrations V3, V4): what {@link SqliteJobRepository} serves as {@code JobRunRepository}. */
final class JobRunTable {

    private static final DateTimeFormatter STORED_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final String COLUMNS = "id, job_id, triggered_by, started_at, finished_at, outcome, router_run_id,"
            + " resolution_source, final_model, reason, error_class, fallback_reasons, attempts, tokens_in, tokens_out, note";

    private final JobDatabase database;

    JobRunTable(JobDatabase database) {
        this.database = database;
    }

    JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt) {
        Objects.requireNonNull(trigger, "trigger must not be null");
        Instant started = startedAt.truncatedTo(ChronoUnit.MILLIS);
        return database.write("recording a run of job " + jobId, c -> {
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM jobs WHERE id = ?")) {
                exists.setLong(1, jobId);
                try (ResultSet rs = exists.executeQuery()) {
                    if (!rs.next()) {
                        throw new NoSuchJobException(jobId);
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO job_runs (job_id, triggered_by, started_at,"
                    + " outcome) VALUES (?, ?, ?, 'running')")) {
                insert.setLong(1, jobId);
                insert.setString(2, trigger.wireName());
                insert.setString(3, STORED_TIME.format(started));
                insert.executeUpdate();
            }
            try (PreparedStatement last = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = last.executeQuery()) {
                rs.next();
                return JobRun.started(rs.getLong(1), jobId, trigger, started);
            }
        });
    }

    Optional<JobRun> recordFinish(long runId, JobRunEnd end) {
        Objects.requireNonNull(end, "end must not be null");
        return database.write("finishing run " + runId, c -> {
            Optional<JobRun> current = find(c, runId);
            if (current.isEmpty() || current.get().outcome() != JobRunOutcome.RUNNING) {
                return current; // gone with its job, or finished already (aborted): the first end stays
            }
            // a clock that stepped back must not give a run that ends before it started
            Instant finished = end.finishedAt().truncatedTo(ChronoUnit.MILLIS);
            if (finished.isBefore(current.get().startedAt())) {
                finished = current.get().startedAt();
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE job_runs SET finished_at = ?, outcome = ?,"
                    + " router_run_id = ?, resolution_source = ?, final_model = ?, reason = ?, error_class = ?,"
                    + " fallback_reasons = ?, attempts = ?, tokens_in = ?, tokens_out = ?, note = ? WHERE id = ?")) {
                update.setString(1, STORED_TIME.format(finished));
                update.setString(2, end.outcome().wireName());
                setNullable(update, 3, end.routerRunId());
                setNullable(update, 4, end.resolutionSource() == null ? null : end.resolutionSource().wireName());
                setNullable(update, 5, end.finalModel() == null ? null : end.finalModel().toString());
                setNullable(update, 6, end.reason() == null ? null : end.reason().wireName());
                setNullable(update, 7, end.errorClass() == null ? null : end.errorClass().name());
                update.setString(8, end.fallbackReasons().stream().map(ReasonCode::wireName)
                        .collect(Collectors.joining(",")));
                update.setInt(9, end.attempts());
                update.setLong(10, end.tokensIn());
                update.setLong(11, end.tokensOut());
                setNullable(update, 12, end.note());
                update.setLong(13, runId);
                update.executeUpdate();
            }
            return find(c, runId);
        });
    }

    Optional<JobRun> findRun(long runId) {
        return database.read("reading run " + runId, c -> find(c, runId));
    }

    List<JobRun> runsOf(long jobId, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit is " + limit + ": expected a positive number of runs");
        }
        return database.read("listing the runs of job " + jobId, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM job_runs WHERE job_id = ? ORDER BY id DESC LIMIT ?")) {
                select.setLong(1, jobId);
                select.setInt(2, limit);
                List<JobRun> runs = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        runs.add(toRun(rs));
                    }
                }
                return Collections.unmodifiableList(runs);
            }
        });
    }

    int abortUnfinished(Instant finishedAt) {
        String finished = STORED_TIME.format(finishedAt.truncatedTo(ChronoUnit.MILLIS));
        return database.write("marking unfinished runs aborted", c -> {
            // max(): never a finish before the start, whatever the clock did
            try (PreparedStatement update = c.prepareStatement("UPDATE job_runs SET outcome = 'aborted',"
                    + " finished_at = max(started_at, ?) WHERE finished_at IS NULL")) {
                update.setString(1, finished);
                return update.executeUpdate();
            }
        });
    }

    private Optional<JobRun> find(Connection c, long runId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM job_runs WHERE id = ?")) {
            select.setLong(1, runId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(toRun(rs)) : Optional.empty();
            }
        }
    }

    private JobRun toRun(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        try {
            String finished = rs.getString("finished_at");
            String source = rs.getString("resolution_source");
            String model = rs.getString("final_model");
            String reason = rs.getString("reason");
            String errorClass = rs.getString("error_class");
            String fallbacks = rs.getString("fallback_reasons");
            List<ReasonCode> fallbackReasons = fallbacks == null || fallbacks.isEmpty() ? List.of()
                    : Arrays.stream(fallbacks.split(",")).map(ReasonCode::fromWire).collect(Collectors.toList());
            return new JobRun(id, rs.getLong("job_id"), JobRunTrigger.fromWire(rs.getString("triggered_by")),
                    Instant.parse(rs.getString("started_at")), finished == null ? null : Instant.parse(finished),
                    JobRunOutcome.fromWire(rs.getString("outcome")), rs.getString("router_run_id"),
                    source == null ? null : ResolutionSource.fromWire(source),
                    model == null ? null : ModelRef.parse(model), reason == null ? null : ReasonCode.fromWire(reason),
                    errorClass == null ? null : ErrorClass.of(errorClass), fallbackReasons, rs.getInt("attempts"),
                    rs.getLong("tokens_in"), rs.getLong("tokens_out"), rs.getString("note"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("job run " + id + " in " + database.file() + " is unreadable ("
                    + e.getMessage() + "): correct it with the sqlite3 tool, or delete the row");
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
