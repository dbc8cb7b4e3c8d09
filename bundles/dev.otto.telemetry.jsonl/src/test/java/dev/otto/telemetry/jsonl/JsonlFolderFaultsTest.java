package dev.otto.telemetry.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.support.testing.Eventually;
import dev.otto.support.testing.TelemetryRecords;

/** The telemetry folder or file deleted or replaced under a running sink: recreated, counted, told. */
class JsonlFolderFaultsTest {

    private static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");

    @TempDir
    Path data;

    private final List<JsonlSink> open = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        open.forEach(JsonlSink::deactivate);
    }

    private JsonlSink sink(boolean strict, Duration fsyncInterval) {
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
        JsonlSink sink = new JsonlSink(data.resolve("telemetry"), Clock.fixed(NOON, ZoneOffset.UTC),
                new JsonlSink.Settings(new JsonlWriter.Settings(fsyncInterval, strict, 512, Duration.ofMinutes(1)), 30,
                        Duration.ofSeconds(60)), reporter, Output.FILES, () -> false, false);
        open.add(sink);
        return sink;
    }

    private static RunTelemetry run(int i) {
        return TelemetryRecords.run("run-" + i, "task-" + i, NOON, false, true, RouteType.API_KEY);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private List<String> runIdsIn(JsonlSink sink) {
        return sink.recentRuns(100).stream().map(RunTelemetry::runId).sorted().toList();
    }

    @Test
    void aDeletedFolderIsToldAtOnceThenRecreatedOwnerOnlyByTheNextRecordWithOneWarning() throws Exception {
        JsonlSink sink = sink(true, Duration.ofMillis(10));
        Path folder = data.resolve("telemetry");
        assertThat(sink.writer().awaitDurable(sink.append(run(1)), Duration.ofSeconds(10))).isTrue();
        assertThat(sink.problem()).isNull();

        deleteTree(folder);
        assertThat(sink.problem()).as("told before any record is lost").contains(folder.toString(), "deleted");
        assertThat(sink.health().state()).isEqualTo("failing");

        for (int i = 2; i <= 4; i++) {
            assertThat(sink.writer().awaitDurable(sink.append(run(i)), Duration.ofSeconds(10))).isTrue();
        }
        assertThat(folder).isDirectory();
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path file = sink.writer().file(NOON.atZone(ZoneOffset.UTC).toLocalDate());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(runIdsIn(sink)).containsExactly("run-2", "run-3", "run-4");
        assertThat(sink.problem()).isNull();
        assertThat(sink.health().state()).isEqualTo("ok");
        assertThat(sink.health().dropped()).isZero();
        assertThat(log).filteredOn(l -> l.contains("deleted or replaced")).hasSize(1);
    }

    @Test
    void recordsWrittenToAFileDeletedBeforeTheirFsyncAreCountedAsDroppedNotWritten() throws Exception {
        JsonlSink sink = sink(false, Duration.ofHours(1)); // no tick: the test flushes
        sink.append(run(1));
        sink.writer().flush();
        long second = sink.append(run(2));
        sink.writer().writeOut(); // in the file, not yet durable
        deleteTree(data.resolve("telemetry"));
        sink.writer().flush();
        assertThat(sink.writer().awaitDurable(second, Duration.ofSeconds(10))).isFalse();
        assertThat(sink.health().written()).isEqualTo(1);
        assertThat(sink.health().dropped()).isEqualTo(1);
        assertThat(sink.health().lastError()).contains("deleted or replaced");

        long third = sink.append(run(3));
        sink.writer().flush();
        assertThat(sink.writer().awaitDurable(third, Duration.ofSeconds(10))).isTrue();
        assertThat(runIdsIn(sink)).containsExactly("run-3");
        assertThat(sink.health().state()).isEqualTo("ok");
    }

    @Test
    void aLinkPutInPlaceOfTheFileIsNotWrittenThroughItsRecordsAreCountedAndTold() throws Exception {
        JsonlSink sink = sink(true, Duration.ofMillis(10));
        assertThat(sink.writer().awaitDurable(sink.append(run(1)), Duration.ofSeconds(10))).isTrue();
        Path file = sink.writer().file(NOON.atZone(ZoneOffset.UTC).toLocalDate());
        Path elsewhere = Files.writeString(data.resolve("elsewhere.jsonl"), "");
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);

        assertThat(sink.writer().awaitDurable(sink.append(run(2)), Duration.ofSeconds(10))).isFalse();
        assertThat(Files.readString(elsewhere)).isEmpty();
        assertThat(sink.health().dropped()).isEqualTo(1);
        assertThat(sink.health().state()).isEqualTo("failing");
        assertThat(sink.problem()).contains(file.toString(), "not a regular file");

        Files.delete(file);
        assertThat(sink.writer().awaitDurable(sink.append(run(3)), Duration.ofSeconds(10))).isTrue();
        assertThat(runIdsIn(sink)).containsExactly("run-3");
        assertThat(sink.problem()).isNull();
    }

    @Test
    void withGroupCommitALinkInPlaceOfTheFileStaysAProblemThoughTheFolderIsWritable() throws Exception {
        JsonlSink sink = sink(false, Duration.ofMillis(10));
        assertThat(sink.writer().awaitDurable(sink.append(run(1)), Duration.ofSeconds(10))).isTrue();
        Path file = sink.writer().file(NOON.atZone(ZoneOffset.UTC).toLocalDate());
        Path elsewhere = Files.writeString(data.resolve("elsewhere.jsonl"), "");
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);

        assertThat(sink.writer().awaitDurable(sink.append(run(2)), Duration.ofSeconds(10))).isFalse();
        long probes = sink.writer().probes();
        Eventually.await("two probes after the loss", Duration.ofSeconds(20), () -> sink.writer().probes() >= probes + 2);

        assertThat(sink.health().state()).as("the next record would be lost too").isEqualTo("failing");
        assertThat(sink.problem()).isNotNull();
        assertThat(Files.readString(elsewhere)).isEmpty();
    }

    @Test
    void theGroupCommitRecreatesADeletedFolderOnItsOwnSoTheProblemEnds() throws Exception {
        JsonlSink sink = sink(false, Duration.ofMillis(10));
        assertThat(sink.writer().awaitDurable(sink.append(run(1)), Duration.ofSeconds(10))).isTrue();
        Path folder = data.resolve("telemetry");
        deleteTree(folder);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.isDirectory(folder) || sink.problem() != null) {
            assertThat(System.nanoTime() - deadline).as("the folder recreated").isNegative();
            Thread.sleep(10);
        }
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(log).filteredOn(l -> l.contains("deleted or replaced")).hasSize(1);
    }
}
