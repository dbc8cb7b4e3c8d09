package dev.otto.telemetry.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.api.telemetry.store.DailyReport;
import dev.otto.support.testing.MutableClock;
import dev.otto.support.testing.TelemetryRecords;

class JsonlSinkTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);

    @TempDir
    Path dir;

    private final List<JsonlSink> open = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        open.forEach(JsonlSink::deactivate);
    }

    private JsonlSink sink(Clock clock, boolean strict, Output.Opener opener) {
        return sink(dir, clock, strict, opener);
    }

    private JsonlSink sink(Path folder, Clock clock, boolean strict, Output.Opener opener) {
        Reporter reporter = new Reporter() {
            @Override
            public void info(String message) {
                log.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                log.add("WARN " + message);
            }

            @Override
            public void error(String message) {
                log.add("ERROR " + message);
            }
        };
        JsonlSink sink = new JsonlSink(folder, clock, new JsonlSink.Settings(new JsonlWriter.Settings(Duration.ofMillis(10),
                strict, 512, Duration.ofMinutes(1)), 30, Duration.ofSeconds(60)), reporter, opener, () -> false, false);
        open.add(sink);
        return sink;
    }

    private JsonlSink sink(Clock clock) {
        return sink(clock, false, Output.FILES);
    }

    private List<String> lines(LocalDate day) throws IOException {
        return Files.readAllLines(dir.resolve("otto-" + day + ".jsonl"), StandardCharsets.UTF_8);
    }

    @Test
    void hostileValuesStayOnOneLineAndRoundTrip() throws Exception {
        JsonLine encoder = new JsonLine(512);
        List<String> hostile = List.of("line\nbreak", "cr\rlf\r\n", "sep\u2028para\u2029", "nul\u0000bell\u0007del\u007f",
                "quote\"back\\slash", "{\"event\":\"run\"}\n{\"x\":1}", "emoji \uD83D\uDE00 \u00e9\u4e2d",
                "lone \uD800 surrogate", "tab\tesc\u001b[31m");
        for (String value : hostile) {
            Map<String, Object> wire = new LinkedHashMap<>();
            wire.put("event", "run");
            wire.put("task_id", value);
            wire.put("nested", List.of(Map.of("k", value)));
            byte[] line = encoder.encode(wire);
            String text = new String(line, StandardCharsets.US_ASCII);
            assertThat(text.indexOf('\n')).as(value).isEqualTo(text.length() - 1);
            for (byte b : line) {
                assertThat(b & 0xff).as("only printable ASCII and the final newline").isBetween(0x0a, 0x7e);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> back = MAPPER.readValue(text, Map.class);
            assertThat(back.get("task_id")).isEqualTo(value);
            assertThat(back.get("nested")).isEqualTo(List.of(Map.of("k", value)));
        }
        // a record whose ids carry JSON syntax and non-ASCII still round-trips through the file
        JsonlSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC));
        RunTelemetry run = TelemetryRecords.run("r\"1\\x\u00e9", "t},{\"event\":\"run\"", NOON, true, true, RouteType.API_KEY);
        sink.accept(run);
        sink.deactivate();
        List<String> lines = lines(DAY);
        assertThat(lines).hasSize(1);
        assertThat(JsonlReader.parse(lines.get(0))).isEqualTo(run);
    }

    @Test
    void longStringsAreCutWithAMarker() throws Exception {
        JsonLine encoder = new JsonLine(64);
        String text = new String(encoder.encode(Map.of("config_version", "x".repeat(1000))), StandardCharsets.US_ASCII);
        @SuppressWarnings("unchecked")
        Map<String, Object> back = MAPPER.readValue(text, Map.class);
        String value = (String) back.get("config_version");
        assertThat(value).hasSize(64).endsWith(JsonLine.TRUNCATED);
    }

    @Test
    void aTelemetryFolderItCreatesIsOwnerOnlyToo() throws Exception {
        Path folder = dir.resolve("data/telemetry");
        JsonlSink sink = sink(folder, Clock.fixed(NOON, ZoneOffset.UTC), true, Output.FILES);
        sink.accept(TelemetryRecords.event("r1", NOON));
        sink.deactivate();
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(folder.resolve("otto-" + DAY + ".jsonl")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aTornLastLineIsCutAtStartAndTheNextRecordStartsOnItsOwnLine() throws Exception {
        Path file = dir.resolve("otto-" + DAY + ".jsonl");
        String good = new String(new JsonLine(512).encode(TelemetryRecords.event("r0", NOON).toWire()), StandardCharsets.US_ASCII);
        Files.writeString(file, good + good + "{\"event\":\"run\",\"run_id\":\"tor", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        JsonlSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC));
        sink.accept(TelemetryRecords.event("r1", NOON));
        sink.deactivate();
        List<String> lines = lines(DAY);
        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(l -> assertThat(JsonlReader.parse(l)).isNotNull());
        assertThat(sink.health().torn()).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(log).anyMatch(l -> l.startsWith("WARN cut a torn last line of 28 bytes"));
    }

    @Test
    void aFullDiskDropsAndCountsThenWritingResumesOnACleanLine() throws Exception {
        AtomicBoolean full = new AtomicBoolean(false);
        Output.Opener flaky = file -> {
            Output real = Output.FILES.open(file);
            return new Output() {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (full.get()) {
                        // like ENOSPC mid-line: part of the line reaches the file
                        ByteBuffer half = bytes.duplicate();
                        half.limit(half.position() + half.remaining() / 2);
                        real.write(half);
                        throw new IOException("No space left on device");
                    }
                    real.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    real.force();
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        };
        JsonlSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC), true, flaky);
        sink.accept(TelemetryRecords.event("ok1", NOON));
        full.set(true);
        for (int i = 0; i < 5; i++) {
            sink.accept(TelemetryRecords.event("lost" + i, NOON)); // never throws: the router's run must not see it
        }
        assertThat(sink.health().state()).isEqualTo("failing");
        assertThat(sink.health().dropped()).isEqualTo(5);
        assertThat(sink.health().lastError()).contains("No space left on device");
        assertThat(log.stream().filter(l -> l.startsWith("ERROR"))).hasSize(1); // rate-limited
        assertThat(sink.report(DAY).eventsDropped()).isEqualTo(5);
        full.set(false);
        sink.accept(TelemetryRecords.event("ok2", NOON));
        assertThat(sink.health().state()).isEqualTo("ok");
        assertThat(sink.health().written()).isEqualTo(2);
        List<String> lines = lines(DAY);
        assertThat(lines).hasSize(2);
        assertThat(lines).allSatisfy(l -> assertThat(JsonlReader.parse(l)).isNotNull());
        assertThat(sink.recentFallbacks(10)).extracting(TelemetryRecord::runId).containsExactly("ok2", "ok1");
    }

    @Test
    void groupCommitMakesEveryRecordDurableWithinTheInterval() throws Exception {
        JsonlSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC));
        long last = -1;
        for (int i = 0; i < 100; i++) {
            last = sink.append(TelemetryRecords.event("r" + i, NOON));
        }
        assertThat(sink.writer().awaitDurable(last, Duration.ofSeconds(10))).isTrue();
        assertThat(sink.stats().orElseThrow().written()).isEqualTo(100);
    }

    @Test
    void recordsGoToTheFileOfTheirUtcDayAndRecentReadsNewestFirst() throws Exception {
        JsonlSink sink = sink(Clock.fixed(NOON, ZoneOffset.UTC));
        for (int i = 0; i < 5; i++) {
            sink.accept(TelemetryRecords.run("d1-" + i, "t", NOON.minus(Duration.ofDays(1)).plusSeconds(i), true, false,
                    RouteType.API_KEY));
        }
        for (int i = 0; i < 3; i++) {
            sink.accept(TelemetryRecords.run("d2-" + i, "t", NOON.plusSeconds(i), true, false, RouteType.API_KEY));
        }
        // the sink's own reads see every accepted record at once; the file, at the group commit
        assertThat(sink.recentRuns(1)).extracting(RunTelemetry::runId).containsExactly("d2-2");
        sink.writer().flush();
        assertThat(lines(DAY.minusDays(1))).hasSize(5);
        assertThat(lines(DAY)).hasSize(3);
        assertThat(sink.recentRuns(4)).extracting(RunTelemetry::runId).containsExactly("d2-2", "d2-1", "d2-0", "d1-4");
    }

    @Test
    void aClosedDayGetsItsReportFileAndOldFilesExpire() throws Exception {
        MutableClock clock = new MutableClock(NOON);
        JsonlSink sink = sink(clock);
        sink.accept(TelemetryRecords.run("s1", "t", NOON, true, false, RouteType.API_KEY));
        sink.accept(TelemetryRecords.run("s2", "t", NOON.plusSeconds(1), true, true, RouteType.SUBSCRIPTION));
        sink.accept(TelemetryRecords.run("f1", "t", NOON.plusSeconds(2), false, true, RouteType.API_KEY));
        sink.accept(TelemetryRecords.codingRun("c1", NOON.plusSeconds(3)));
        Path old = dir.resolve("otto-2026-01-01.jsonl");
        Files.writeString(old, "");
        assertThat(sink.closeDays()).isEmpty(); // the day is still open
        clock.set(Instant.parse("2026-03-11T00:00:30Z"));
        assertThat(sink.closeDays()).as("within the grace period").isEmpty();
        clock.set(Instant.parse("2026-03-11T00:01:01Z"));
        assertThat(sink.closeDays()).containsExactly(DAY);
        assertThat(old).doesNotExist();
        Path daily = dir.resolve(DailyReport.fileName(DAY));
        @SuppressWarnings("unchecked")
        Map<String, Object> report = MAPPER.readValue(daily.toFile(), Map.class);
        assertThat(report.get("runs")).isEqualTo(4);
        assertThat(report.get("succeeded")).isEqualTo(3);
        assertThat(report.get("runs_with_fallback")).isEqualTo(2);
        assertThat(report.get("fallback_rate")).isEqualTo(0.5);
        assertThat(report.get("fallbacks_by_reason")).isEqualTo(Map.of("provider_5xx", 2));
        assertThat(new ArrayList<Object>(((Map<?, ?>) report.get("by_route_type")).keySet())).containsExactly("api_key", "subscription");
        assertThat(new ArrayList<Object>(((Map<?, ?>) report.get("by_flow")).keySet())).containsExactly("coding", "heartbeat");
        assertThat(report.get("p50_duration_ms")).isEqualTo(250);
        assertThat(report.get("p95_duration_ms")).isEqualTo(1000);
        assertThat(Files.getPosixFilePermissions(daily)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(sink.closeDays()).as("written once").isEmpty();
    }

}
