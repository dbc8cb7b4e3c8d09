package dev.otto.persistence;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.job.JobRun;
import dev.otto.api.job.JobRunEnd;
import dev.otto.api.job.JobRunRepository;
import dev.otto.api.job.JobRunTrigger;
import dev.otto.api.job.NoSuchJobException;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.tools.HookCommand;
import dev.otto.support.sqlite.Reporter;

/**
 * Jobs in the {@code jobs} table of {@code <data>/otto.db}, and their runs in {@code job_runs}
 * ({@link JobRunTable}): one component, so both services share the one serialised connection.
 * Activation opens and migrates the database, so the bundle migrates on start; a refused or failed
 * migration fails activation with one clear message and the services are never registered; so does
 * a database file that is empty, not a regular file, corrupt, or missing where one was. As a
 * {@link HealthCheck} it reports a file deleted or replaced while Otto runs, and a full disk.
 */
@Component(service = { JobRepository.class, JobRunRepository.class, HealthCheck.class }, immediate = true)
public final class SqliteJobRepository implements JobRepository, JobRunRepository, HealthCheck {

    /** Longest accepted job name and schedule, in characters: they are one-line labels. */
    static final int MAX_LABEL_LENGTH = 200;

    /** Fixed width, so the stored text sorts in time order. */
    private static final DateTimeFormatter STORED_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final String COLUMNS = "id, name, flow, schedule, prompt, enabled, model_ref, sops, pre_run_hook,"
            + " pre_run_timeout_ms, post_run_hook, post_run_timeout_ms, created_at, updated_at";
    /** The columns a draft sets, in {@link #bindDraft}'s order. */
    private static final String DRAFT_COLUMNS = "name, flow, schedule, prompt, enabled, model_ref, sops, pre_run_hook,"
            + " pre_run_timeout_ms, post_run_hook, post_run_timeout_ms";
    private static final int DRAFT_PARAMETERS = 11;

    private final JobDatabase database;
    private final Clock clock;
    private final JobRunTable runs;

    @Activate
    public SqliteJobRepository(BundleContext context, @Reference(service = LoggerFactory.class) Logger logger) {
        this(openLogged(OttoPaths.resolve(System::getenv, context::getProperty,
                Path.of(System.getProperty("user.home"))).database(), logger), Clock.systemUTC());
    }

    SqliteJobRepository(JobDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
        this.runs = new JobRunTable(database);
    }

    @Deactivate
    void deactivate() {
        database.close();
    }

    @Override
    public String name() {
        return JobDatabase.LABEL;
    }

    /** The file deleted or replaced under Otto, or the last write failed for want of space; one stat. */
    @Override
    public String problem() {
        return database.health().problem();
    }

    JobDatabase database() {
        return database;
    }

    /** Closes the database; for use outside OSGi. */
    void close() {
        database.close();
    }

    private static JobDatabase openLogged(Path file, Logger logger) {
        try {
            return JobDatabase.open(file, Reporter.of(logger));
        } catch (RuntimeException e) {
            // The details (Flyway's report, SQLite's error) go to the log. The exception that fails
            // activation carries only the clear message: otto:status shows a failure's innermost cause.
            logger.error(e.getMessage(), e);
            throw new IllegalStateException(e.getMessage());
        }
    }

    @Override
    public Job create(JobDraft draft) {
        checkDraft(draft);
        Instant now = now();
        return database.write("creating a job", c -> {
            long id;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO jobs (" + DRAFT_COLUMNS
                    + ", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindDraft(insert, draft);
                insert.setString(DRAFT_PARAMETERS + 1, STORED_TIME.format(now));
                insert.setString(DRAFT_PARAMETERS + 2, STORED_TIME.format(now));
                insert.executeUpdate();
            }
            try (PreparedStatement last = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet rs = last.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            return job(id, draft, now, now);
        });
    }

    @Override
    public Optional<Job> get(long id) {
        if (id <= 0) {
            return Optional.empty();
        }
        return database.read("reading job " + id, c -> find(c, id));
    }

    @Override
    public List<Job> list() {
        return database.read("listing the jobs", c -> query(c, "SELECT " + COLUMNS + " FROM jobs ORDER BY id", null));
    }

    @Override
    public List<Job> list(Flow flow) {
        Objects.requireNonNull(flow, "flow must not be null");
        return database.read("listing the jobs of flow " + flow.wireName(), c -> query(c,
                "SELECT " + COLUMNS + " FROM jobs WHERE flow = ? ORDER BY id", flow.wireName()));
    }

    @Override
    public Job update(long id, JobDraft draft) {
        checkDraft(draft);
        Instant now = now();
        return database.write("updating job " + id, c -> {
            Instant createdAt = createdAt(c, id);
            Instant updatedAt = later(now, createdAt);
            try (PreparedStatement update = c.prepareStatement("UPDATE jobs SET (" + DRAFT_COLUMNS
                    + ", updated_at) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?")) {
                bindDraft(update, draft);
                update.setString(DRAFT_PARAMETERS + 1, STORED_TIME.format(updatedAt));
                update.setLong(DRAFT_PARAMETERS + 2, id);
                update.executeUpdate();
            }
            return job(id, draft, createdAt, updatedAt);
        });
    }

    @Override
    public boolean delete(long id) {
        if (id <= 0) {
            return false;
        }
        return database.write("deleting job " + id, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM jobs WHERE id = ?")) {
                delete.setLong(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Job setModelRef(long id, ModelRef modelRefOrNull) {
        Instant now = now();
        return database.write("setting the model of job " + id, c -> {
            // only created_at is read first: this must also repair a row whose stored model_ref is malformed
            Instant updatedAt = later(now, createdAt(c, id));
            try (PreparedStatement update = c.prepareStatement("UPDATE jobs SET model_ref = ?, updated_at = ? WHERE id = ?")) {
                setNullable(update, 1, modelRefOrNull == null ? null : modelRefOrNull.toString());
                update.setString(2, STORED_TIME.format(updatedAt));
                update.setLong(3, id);
                update.executeUpdate();
            }
            return find(c, id).orElseThrow(() -> new NoSuchJobException(id));
        });
    }

    @Override
    public JobRun recordStart(long jobId, JobRunTrigger trigger, Instant startedAt) {
        return runs.recordStart(jobId, trigger, startedAt);
    }

    @Override
    public Optional<JobRun> recordFinish(long runId, JobRunEnd end) {
        return runs.recordFinish(runId, end);
    }

    @Override
    public Optional<JobRun> findRun(long runId) {
        return runs.findRun(runId);
    }

    @Override
    public List<JobRun> runsOf(long jobId, int limit) {
        return runs.runsOf(jobId, limit);
    }

    @Override
    public int abortUnfinished(Instant finishedAt) {
        return runs.abortUnfinished(finishedAt);
    }

    /** What the API records do not check: one-line labels of bounded length. */
    private static void checkDraft(JobDraft draft) {
        Objects.requireNonNull(draft, "draft must not be null");
        checkLabel(draft.name(), "name");
        checkLabel(draft.schedule(), "schedule");
    }

    private static void checkLabel(String value, String field) {
        if (value.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException(field + " is " + value.length() + " characters long: at most "
                    + MAX_LABEL_LENGTH + " are allowed");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " contains a line break, tab or other control character:"
                    + " write it on one line");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException(field + " has leading or trailing whitespace: remove it");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isBefore(b) ? b : a;
    }

    private static void bindDraft(PreparedStatement statement, JobDraft draft) throws SQLException {
        statement.setString(1, draft.name());
        statement.setString(2, draft.flow().wireName());
        statement.setString(3, draft.schedule());
        statement.setString(4, draft.prompt());
        statement.setInt(5, draft.enabled() ? 1 : 0);
        setNullable(statement, 6, draft.modelRef() == null ? null : draft.modelRef().toString());
        setNullable(statement, 7, draft.sops().isEmpty() ? null : String.join(",", draft.sops()));
        bindHook(statement, 8, draft.preRunHook());
        bindHook(statement, 10, draft.postRunHook());
    }

    private static void bindHook(PreparedStatement statement, int index, HookCommand hook) throws SQLException {
        setNullable(statement, index, hook == null ? null : ArgvText.encode(hook.argv()));
        if (hook == null || hook.timeout() == null) {
            statement.setNull(index + 1, Types.INTEGER);
        } else {
            statement.setLong(index + 1, Math.max(1, hook.timeout().toMillis()));
        }
    }

    private static Job job(long id, JobDraft draft, Instant createdAt, Instant updatedAt) {
        return new Job(id, draft.name(), draft.flow(), draft.schedule(), draft.prompt(), draft.enabled(),
                draft.modelRef(), draft.sops(), draft.preRunHook(), draft.postRunHook(), createdAt, updatedAt);
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private static Instant createdAt(Connection c, long id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT created_at FROM jobs WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchJobException(id);
                }
                return parseTime(id, "created_at", rs.getString(1));
            }
        }
    }

    private Optional<Job> find(Connection c, long id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(toJob(rs)) : Optional.empty();
            }
        }
    }

    private List<Job> query(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            if (parameter != null) {
                select.setString(1, parameter);
            }
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    jobs.add(toJob(rs));
                }
            }
            return Collections.unmodifiableList(jobs);
        }
    }

    /** A stored row back as a {@link Job}; a row edited by hand into something invalid is named, with the fix. */
    private Job toJob(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Flow flow;
        try {
            flow = Flow.fromWire(rs.getString("flow"));
        } catch (IllegalArgumentException e) {
            throw unreadable(id, "flow", e.getMessage(), "set a known flow with the sqlite3 tool, or delete the job");
        }
        String storedRef = rs.getString("model_ref");
        ModelRef modelRef;
        try {
            modelRef = storedRef == null ? null : ModelRef.parse(storedRef);
        } catch (IllegalArgumentException e) {
            throw unreadable(id, "model_ref", e.getMessage(),
                    "fix it with otto:job-model " + id + " <provider/model|none>");
        }
        Instant createdAt = parseTime(id, "created_at", rs.getString("created_at"));
        Instant updatedAt = parseTime(id, "updated_at", rs.getString("updated_at"));
        String storedSops = rs.getString("sops");
        List<String> sops = storedSops == null || storedSops.isEmpty() ? List.of() : List.of(storedSops.split(",", -1));
        HookCommand preRun = hook(rs, id, "pre_run");
        HookCommand postRun = hook(rs, id, "post_run");
        try {
            return new Job(id, rs.getString("name"), flow, rs.getString("schedule"), rs.getString("prompt"),
                    rs.getInt("enabled") != 0, modelRef, sops, preRun, postRun, createdAt, updatedAt);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw unreadable(id, "row", e.getMessage(), "correct it with the sqlite3 tool, or delete the job");
        }
    }

    private HookCommand hook(ResultSet rs, long id, String phase) throws SQLException {
        String argv = rs.getString(phase + "_hook");
        if (argv == null) {
            return null;
        }
        long timeoutMs = rs.getLong(phase + "_timeout_ms");
        boolean defaultTimeout = rs.wasNull();
        try {
            return new HookCommand(ArgvText.decode(argv), defaultTimeout ? null : Duration.ofMillis(timeoutMs));
        } catch (IllegalArgumentException e) {
            throw unreadable(id, phase + "_hook", e.getMessage(), "set it again with otto:job-hook " + id + " "
                    + phase.replace('_', '-') + " ...");
        }
    }

    private static Instant parseTime(long id, String column, String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalStateException("job " + id + " has an unreadable " + column + " " + text
                    + ": expected an ISO-8601 UTC time; correct it with the sqlite3 tool");
        }
    }

    private IllegalStateException unreadable(long id, String field, String problem, String fix) {
        return new IllegalStateException("job " + id + " in " + database.file() + " has an invalid " + field + " ("
                + problem + "): " + fix);
    }
}
