package dev.otto.telemetry.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.support.sqlite.Reporter;
import dev.otto.support.testing.MutableClock;
import dev.otto.support.testing.TelemetryRecords;

class SqliteSinkTest {

    private static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);

    @TempDir
    Path data;

    private final List<SqliteSink> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(SqliteSink::deactivate);
    }

    private SqliteSink sink(Clock clock, int retentionDays) {
        TelemetryDatabase db = TelemetryDatabase.open(data.resolve(TelemetryDatabase.FILE), false, Reporter.NONE);
        SqliteSink sink = new SqliteSink(db, data.resolve("telemetry"), clock, new SqliteSink.Settings(
                new SqliteWriter.Settings(1000, Duration.ofMillis(100), 10_000, Duration.ofMinutes(1)), retentionDays,
                Duration.ofSeconds(60)), Reporter.NONE, false);
        open.add(sink);
        return sink;
    }

    private static void await(SqliteSink sink, long seq) throws InterruptedException {
        assertThat(sink.writer().awaitCommitted(seq, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aRecordAcceptedJustBeforeAReadIsInWhatTheReadReturns() {
        // batches commit 100 ms after their first record: a read right after accept must still see it
        SqliteSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC), 0);
        for (int i = 0; i < 3; i++) {
            RunTelemetry run = TelemetryRecords.run("r" + i, "t" + i, NOON.plusSeconds(i), false, true,
                    RouteType.SUBSCRIPTION);
            FallbackEvent event = FallbackEvent.of("r" + i, "t" + i, RouteType.SUBSCRIPTION, run.transitions().get(0));
            sink.accept(event);
            sink.accept(run);
            assertThat(sink.recentRuns(1)).containsExactly(run);
            assertThat(sink.recentFallbacks(1)).containsExactly(event);
            assertThat(sink.report(DAY).runs()).isEqualTo(i + 1);
        }
    }

    @Test
    void storedRecordsReadBackEqualAndTheFileIsOwnerOnlyWal() throws Exception {
        SqliteSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC), 0);
        RunTelemetry run = TelemetryRecords.run("r1", "t1", NOON, false, true, RouteType.SUBSCRIPTION);
        RunTelemetry coding = TelemetryRecords.codingRun("r2", NOON.plusSeconds(1));
        FallbackEvent event = FallbackEvent.of("r1", "t1", RouteType.SUBSCRIPTION, run.transitions().get(0));
        sink.accept(event);
        sink.accept(run);
        long last = sink.writer().submit(coding);
        await(sink, last);
        assertThat(sink.recentRuns(10)).containsExactly(coding, run);
        assertThat(sink.recentFallbacks(10)).containsExactly(event);
        assertThat(sink.stats().orElseThrow().written()).isEqualTo(3);
        assertThat(Files.getPosixFilePermissions(data.resolve(TelemetryDatabase.FILE)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve(TelemetryDatabase.FILE));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void aThousandRecordsCommitInFewBatches() throws Exception {
        SqliteSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC), 0);
        long last = -1;
        for (int i = 0; i < 2500; i++) {
            last = sink.writer().submit(TelemetryRecords.run("b" + i, "t", NOON, true, false, RouteType.API_KEY));
        }
        await(sink, last);
        assertThat(sink.report(DAY).runs()).isEqualTo(2500);
    }

    @Test
    void theReportEqualsTheOneBuiltFromTheSameRunsAndAClosedDayGetsItsFile() throws Exception {
        MutableClock clock = new MutableClock(NOON);
        SqliteSink sink = sink(clock, 30);
        List<RunTelemetry> runs = List.of(TelemetryRecords.run("s1", "t", NOON, true, false, RouteType.API_KEY),
                TelemetryRecords.run("s2", "t", NOON.plusSeconds(1), true, true, RouteType.SUBSCRIPTION),
                TelemetryRecords.run("f1", "t", NOON.plusSeconds(2), false, true, RouteType.API_KEY),
                TelemetryRecords.codingRun("c1", NOON.plusSeconds(3)),
                TelemetryRecords.skippingRun("k1", NOON.plusSeconds(4), List.of("chain_model_unavailable",
                        "model_cooling_down", "route_type_defaulted")),
                TelemetryRecords.run("old", "t", NOON.minus(Duration.ofDays(40)), true, false, RouteType.API_KEY));
        long last = -1;
        for (TelemetryRecord r : runs) {
            last = sink.writer().submit(r);
        }
        await(sink, last);
        DailyReport.Builder expected = new DailyReport.Builder(DAY, "sqlite");
        runs.subList(0, 5).forEach(expected::add);
        assertThat(sink.report(DAY)).isEqualTo(expected.build());
        assertThat(sink.report(DAY).skipsByReason()).as("runs that skipped a model, by why")
                .isEqualTo(Map.of("chain_model_unavailable", 1L, "model_cooling_down", 1L));
        assertThat(sink.report(DAY).fallbacksByReason()).isEqualTo(Map.of("provider_5xx", 2L));
        assertThat(sink.report(DAY).byRouteType().get("subscription").runs()).isEqualTo(2);

        assertThat(sink.closeDays()).as("today is open; the 40-day-old run is past retention").isEmpty();
        assertThat(sink.recentRuns(10)).extracting(RunTelemetry::runId).doesNotContain("old");
        clock.set(Instant.parse("2026-03-11T00:01:01Z"));
        assertThat(sink.closeDays()).containsExactly(DAY);
        Path daily = data.resolve("telemetry").resolve(DailyReport.fileName(DAY));
        @SuppressWarnings("unchecked")
        Map<String, Object> report = new ObjectMapper().readValue(daily.toFile(), Map.class);
        assertThat(report.get("runs")).isEqualTo(5);
        assertThat(report.get("source")).isEqualTo("sqlite");
        assertThat(sink.closeDays()).isEmpty();
    }

    @Test
    void aFullBufferDropsTheNewestAndCountsThemForTheDay() throws Exception {
        TelemetryDatabase db = TelemetryDatabase.open(data.resolve(TelemetryDatabase.FILE), false, Reporter.NONE);
        SqliteSink sink = new SqliteSink(db, data.resolve("telemetry"), Clock.fixed(NOON, ZoneOffset.UTC),
                new SqliteSink.Settings(new SqliteWriter.Settings(1, Duration.ofMillis(1), 1, Duration.ofMinutes(1)), 0,
                        Duration.ofSeconds(60)), Reporter.NONE, false);
        open.add(sink);
        int dropped = 0;
        for (int i = 0; i < 200; i++) {
            if (sink.writer().submit(TelemetryRecords.run("d" + i, "t", NOON, true, false, RouteType.API_KEY)) < 0) {
                dropped++;
            }
        }
        assertThat(dropped).isPositive();
        assertThat(sink.health().dropped()).isEqualTo(dropped);
        long last = sink.writer().submit(TelemetryRecords.run("after", "t", NOON, true, false, RouteType.API_KEY));
        while (last < 0) { // bounded by the writer draining a one-record buffer
            last = sink.writer().submit(TelemetryRecords.run("after", "t", NOON, true, false, RouteType.API_KEY));
        }
        await(sink, last);
        assertThat(sink.report(DAY).eventsDropped()).isEqualTo(dropped + sink.health().dropped() - dropped);
        assertThat(sink.report(DAY).runs() + sink.report(DAY).eventsDropped()).isGreaterThanOrEqualTo(200);
    }

}
