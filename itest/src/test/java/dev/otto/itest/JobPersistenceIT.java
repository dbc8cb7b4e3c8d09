package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogReaderService;
import org.sqlite.SQLiteDataSource;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.job.JobRepository;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

/**
 * The persistence bundle in the distribution's Felix: it migrates {@code otto.db} when it starts,
 * and it can be stopped and started again and again without leaking a connection or failing to
 * load SQLite's native library.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JobPersistenceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BUNDLE = "dev.otto.persistence";

    @Inject
    private BundleContext context;

    @Inject
    private LogReaderService logReader;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        // OttoContainer records INFO from Otto's loggers, so the migration line can be checked
        return OttoContainer.options();
    }

    @Test
    public void theBundleMigratesTheDatabaseWhenItStarts() throws Exception {
        awaitRepository();
        Path db = database();
        assertEquals(Arrays.asList("1|create jobs|1", "2|add jobs model ref|1", "3|create job runs|1",
                "4|add job sops and hooks|1"),
                rows(db, "SELECT version, description, success FROM flyway_schema_history WHERE version IS NOT NULL"
                        + " ORDER BY installed_rank"));
        assertTrue(rows(db, "SELECT name FROM pragma_table_info('jobs')").contains("model_ref"));
        assertEquals(Collections.singletonList("wal"), rows(db, "PRAGMA journal_mode"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        String migrated = "migrating " + db + " from empty to V4: V1 (create jobs), V2 (add jobs model ref),"
                + " V3 (create job runs), V4 (add job sops and hooks)";
        Eventually.awaitTrue("the log line '" + migrated + "'", WAIT, () -> logged(migrated));
    }

    @Test
    public void stoppingAndStartingThePersistenceBundle20TimesLeaksNoConnection() throws Exception {
        Bundle persistence = bundle(BUNDLE);
        JobRepository jobs = awaitRepository();
        Path db = database();
        int before = jobs.list().size();
        jobs.create(draft("before-restarts"));
        assertTrue("the active repository holds the database open", openFiles(db) > 0);

        for (int round = 1; round <= 20; round++) {
            persistence.stop();
            assertNull("no JobRepository while stopped (round " + round + ")", context.getServiceReference(JobRepository.class));
            assertEquals("files of otto.db open while the bundle is stopped (round " + round + ")", 0, openFiles(db));

            persistence.start();
            jobs = awaitRepository();
            Job created = jobs.create(draft("round-" + round));
            Job withModel = jobs.setModelRef(created.id(), ModelRef.parse("openai/gpt-5.2"));
            assertEquals(withModel, jobs.get(created.id()).orElse(null));
            assertEquals(before + 1 + round, jobs.list().size());
            // one connection: the database, its WAL and its shared-memory index
            assertEquals("files of otto.db open after start " + round, 3, openFiles(db));
        }
        assertTrue(rows(db, "PRAGMA integrity_check").contains("ok"));
    }

    private static JobDraft draft(String name) {
        return new JobDraft(name, Flow.SCHEDULED_TASKS, "0 3 * * *", "Summarize the failures of the day.", true, null);
    }

    private JobRepository awaitRepository() {
        return Eventually.await("the JobRepository service", WAIT, () -> {
            ServiceReference<JobRepository> reference = context.getServiceReference(JobRepository.class);
            return reference == null ? null : context.getService(reference);
        });
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName + " in the container");
    }

    private static Path database() {
        String data = System.getProperty("otto.data");
        assertNotNull("otto.data is set by OttoContainer", data);
        return Path.of(data, "otto.db");
    }

    private boolean logged(String message) {
        for (LogEntry entry : Collections.list(logReader.getLog())) {
            if (message.equals(entry.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Descriptors of this JVM open on the database, its WAL or its shared-memory file. */
    private static int openFiles(Path db) throws IOException {
        int count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(db.toString())) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked (e.g. the one Files.list uses)
                }
            }
        }
        return count;
    }

    private static List<String> rows(Path db, String query) throws SQLException {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + db);
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
