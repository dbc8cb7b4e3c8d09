package dev.otto.telemetry.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.model.RouteType;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.testing.Eventually;
import dev.otto.support.testing.TelemetryRecords;

/** The group commit: batches, fsync outside the appenders' locks, failures of whole batches. */
class JsonlWriterTest {

    private static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2026, 3, 10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<JsonlSink> open = new ArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        open.forEach(JsonlSink::deactivate);
    }

    private JsonlSink sink(boolean strict, Output.Opener opener) {
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
        JsonlSink sink = new JsonlSink(dir, Clock.fixed(NOON, ZoneOffset.UTC), new JsonlSink.Settings(
                new JsonlWriter.Settings(Duration.ofMillis(10), strict, 512, Duration.ofMinutes(1)), 30,
                Duration.ofSeconds(60)), reporter, opener, () -> false, false);
        open.add(sink);
        return sink;
    }

    private static RunTelemetry run(String id, Instant at) {
        return TelemetryRecords.run(id, "task-" + id, at, true, id.hashCode() % 2 == 0, RouteType.API_KEY);
    }

    /** Every line of the day's file, each checked to be one whole record. */
    private List<TelemetryRecord> records(LocalDate day) throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve("otto-" + day + ".jsonl"));
        assertThat(bytes.length == 0 || bytes[bytes.length - 1] == '\n').as("the file ends with a whole line").isTrue();
        List<TelemetryRecord> records = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
            if (!line.isEmpty()) {
                TelemetryRecord record = JsonlReader.parse(line);
                assertThat(record).as("a line that is not one record: %s", line).isNotNull();
                records.add(record);
            }
        }
        return records;
    }

    private static Set<String> ids(List<TelemetryRecord> records) {
        Set<String> ids = new HashSet<>();
        for (TelemetryRecord r : records) {
            assertThat(ids.add(r.runId())).as("duplicate %s", r.runId()).isTrue();
        }
        return ids;
    }

    /** An output over the real file whose fsync or write the test can hold or fail. */
    private static final class Faulty implements Output.Opener {
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicInteger failFsyncs = new AtomicInteger();
        volatile CountDownLatch holdFsync;
        final CountDownLatch fsyncHeld = new CountDownLatch(1);

        @Override
        public Output open(Path file) throws IOException {
            Output real = Output.FILES.open(file);
            return new Output() {
                @Override
                public void write(ByteBuffer bytes) throws IOException {
                    if (full.get()) {
                        // like ENOSPC in the middle of a batch: whole lines and part of one reach the file
                        ByteBuffer part = bytes.duplicate();
                        part.limit(part.position() + part.remaining() * 2 / 3);
                        real.write(part);
                        throw new IOException("No space left on device");
                    }
                    real.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    CountDownLatch hold = holdFsync;
                    if (hold != null) {
                        fsyncHeld.countDown();
                        try {
                            hold.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (failFsyncs.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IOException("Input/output error");
                    }
                    real.force();
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        }
    }

    @Test
    void appendersKeepWritingWholeBatchesWhileAnFsyncIsStuck() throws Exception {
        Faulty faulty = new Faulty();
        faulty.holdFsync = new CountDownLatch(1);
        JsonlSink sink = sink(false, faulty);
        JsonlWriter writer = sink.writer();
        long first = sink.append(run("first", NOON));
        assertThat(faulty.fsyncHeld.await(10, TimeUnit.SECONDS)).as("the flusher is in its fsync").isTrue();
        // 2,000 records are ~20 batches of 64 KB: the appender writes them itself, the fsync still stuck
        long last = -1;
        long start = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            last = sink.append(run("r" + i, NOON));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT);
        long size = Files.size(writer.file(DAY));
        assertThat(size).as("batches reached the file during the fsync").isGreaterThan(10L * JsonlWriter.BATCH_BYTES);
        assertThat(writer.awaitDurable(first, Duration.ofMillis(50))).as("not durable before its fsync returns").isFalse();
        faulty.holdFsync.countDown();
        faulty.holdFsync = null;
        assertThat(writer.awaitDurable(first, WAIT)).isTrue();
        assertThat(writer.awaitDurable(last, WAIT)).isTrue();
        assertThat(writer.written()).isEqualTo(2001);
        assertThat(ids(records(DAY))).hasSize(2001);
    }

    @Test
    void aFullDiskDropsWholeBatchesCutsThemBackOutAndWritingResumes() throws Exception {
        Faulty faulty = new Faulty();
        JsonlSink sink = sink(false, faulty);
        JsonlWriter writer = sink.writer();
        long s = -1;
        for (int i = 0; i < 300; i++) {
            s = sink.append(run("ok" + i, NOON));
        }
        assertThat(writer.awaitDurable(s, WAIT)).isTrue();
        faulty.full.set(true);
        List<Long> lost = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lost.add(sink.append(run("lost" + i, NOON))); // never throws: the router's run must not see it
        }
        for (long l : lost) {
            assertThat(writer.awaitDurable(l, WAIT)).as("record %d", l).isFalse();
        }
        assertThat(sink.health().state()).isEqualTo("failing");
        assertThat(sink.health().dropped()).isEqualTo(500);
        assertThat(sink.report(DAY).eventsDropped()).isEqualTo(500);
        assertThat(sink.health().lastError()).contains("No space left on device");
        assertThat(log.stream().filter(l -> l.startsWith("ERROR"))).hasSize(1); // rate-limited
        faulty.full.set(false);
        for (int i = 0; i < 200; i++) {
            s = sink.append(run("again" + i, NOON));
        }
        assertThat(writer.awaitDurable(s, WAIT)).isTrue();
        assertThat(sink.health().state()).isEqualTo("ok");
        assertThat(sink.health().written()).isEqualTo(500);
        Set<String> ids = ids(records(DAY));
        assertThat(ids).hasSize(500).noneMatch(id -> id.startsWith("lost"));
        assertThat(sink.health().torn()).as("a failed write is cut back at once, not left for the next open").isZero();
    }

    @Test
    void aDiskThatHasRoomAgainStopsBeingAProblemWithoutWaitingForARecord() throws Exception {
        Faulty faulty = new Faulty();
        JsonlSink sink = sink(false, faulty);
        JsonlWriter writer = sink.writer();
        faulty.full.set(true);
        long lost = sink.append(run("lost", NOON));
        assertThat(writer.awaitDurable(lost, WAIT)).isFalse();
        assertThat(sink.health().state()).isEqualTo("failing");
        assertThat(writer.problem()).contains("cannot write").contains("No space left on device");

        faulty.full.set(false); // room again, and no record comes

        Eventually.await("the probe ends the failing state", WAIT, () -> writer.problem() == null);
        assertThat(sink.health().state()).isEqualTo("ok");
        assertThat(sink.health().dropped()).as("what was lost stays counted").isEqualTo(1);
        assertThat(dir.resolve(JsonlWriter.PROBE_FILE)).doesNotExist();
    }

    @Test
    void aFailedFsyncLosesWhatItCoveredAndTheNextCommitSucceeds() throws Exception {
        Faulty faulty = new Faulty();
        faulty.failFsyncs.set(1);
        JsonlSink sink = sink(false, faulty);
        JsonlWriter writer = sink.writer();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seqs.add(sink.append(run("a" + i, NOON)));
        }
        int durable = 0;
        for (long s : seqs) {
            durable += writer.awaitDurable(s, WAIT) ? 1 : 0;
        }
        assertThat(writer.dropped()).isPositive().isEqualTo(50 - durable);
        assertThat(writer.written()).isEqualTo(durable);
        assertThat(sink.health().lastError()).contains("cannot fsync").contains("Input/output error");
        long s = sink.append(run("b", NOON));
        assertThat(writer.awaitDurable(s, WAIT)).isTrue();
        assertThat(sink.health().state()).isEqualTo("ok");
        assertThat(records(DAY)).extracting(TelemetryRecord::runId).contains("b");
    }

    @Test
    void concurrentAppendersOfTwoDaysNeverInterleaveOrLoseALine() throws Exception {
        JsonlSink sink = sink(false, Output.FILES);
        int threads = 8;
        int each = 3000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    // ids of every length, so lines of every size cross the batch boundary
                    String id = "t" + thread + "-" + i + "-" + "x".repeat((i * 7 + thread) % 180);
                    sink.append(run(id, i % 3 == 0 ? NOON.minus(Duration.ofDays(1)) : NOON));
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join();
        }
        sink.deactivate();
        List<TelemetryRecord> yesterday = records(DAY.minusDays(1));
        List<TelemetryRecord> today = records(DAY);
        assertThat(yesterday).allSatisfy(r -> assertThat(JsonlWriter.dayOf(r)).isEqualTo(DAY.minusDays(1)));
        assertThat(today).allSatisfy(r -> assertThat(JsonlWriter.dayOf(r)).isEqualTo(DAY));
        Set<String> all = ids(yesterday);
        all.addAll(ids(today));
        assertThat(all).hasSize(threads * each);
        assertThat(sink.writer().written()).isEqualTo(threads * each);
        assertThat(sink.writer().dropped()).isZero();
    }

    @Test
    void strictModeMakesEachRecordDurableBeforeAppendReturns() throws Exception {
        JsonlSink sink = sink(true, Output.FILES);
        for (int i = 0; i < 20; i++) {
            long s = sink.append(run("s" + i, NOON.plus(Duration.ofDays(i % 2))));
            assertThat(sink.writer().awaitDurable(s, Duration.ZERO)).isTrue();
            assertThat(Files.readString(sink.writer().file(DAY.plusDays(i % 2)), StandardCharsets.US_ASCII))
                    .endsWith("\"config_version\":\"v1\"}\n");
        }
        assertThat(sink.writer().written()).isEqualTo(20);
    }

    @Test
    void aRecordTheFilesCannotHoldIsDroppedNotThrown() {
        JsonlSink sink = sink(false, Output.FILES);
        // the API accepts the instant, but no LocalDate (and so no file) holds it
        sink.accept(TelemetryRecords.event("far", Instant.MAX));
        assertThat(sink.health().dropped()).isEqualTo(1);
        assertThat(sink.health().lastError()).startsWith("cannot encode a model_fallback record");
    }
}
