package dev.otto.telemetry.jsonl;

import static dev.otto.telemetry.BenchTelemetry.check;

import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.telemetry.BenchTelemetry;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 7, JSONL: the sink at its default durability (group commit, fsync at least every 10 ms)
 * against a raw {@link BufferedWriter} appending the same lines and fsyncing every 10 ms; goal:
 * the sink at least 0.5x the raw writer's records per second.
 *
 * <p>One operation writes {@value #RECORDS} records (the pre-built pool, {@link BenchTelemetry})
 * and ends only when all of them are on the device, so the figure (records/s, through
 * {@link OperationsPerInvocation}) includes the fsyncs:
 *
 * <ul>
 * <li>{@code j1_rawBufferedWriter}: writes the pool's lines, already encoded, to a
 *     {@code BufferedWriter} (8 KB) over an appending {@code FileOutputStream}; whenever 10 ms have
 *     passed since the last fsync it flushes and fsyncs ({@code FileDescriptor.sync}); at the end it
 *     flushes and fsyncs;</li>
 * <li>{@code j2_sink}: {@code JsonlSink.append} of each record (what {@code accept} does: the
 *     record encoded straight to bytes, copied into the 64 KB batch under the lock, the batch written
 *     with one {@code write} when full), then waits until the sink's fsync thread has written the
 *     rest and made the last one durable ({@code awaitDurable}: at most one 10 ms tick);</li>
 * <li>{@code j3_encodeOnly}: breakdown, no I/O: the sink's encoder ({@code RecordEncoder}) per record;</li>
 * <li>{@code j4_toWireOnly}: breakdown, no I/O: {@code toWire} alone (no longer on the sink's path);</li>
 * <li>{@code j5_toWireAndJsonLine}: breakdown, no I/O: the sink's encoding before issue 7's work,
 *     {@code toWire} and the escaping {@code JsonLine} encoder, which the set-up's lines come from.</li>
 * </ul>
 *
 * <p>Both write to a new file in a new folder under {@code java.io.tmpdir} each iteration, deleted
 * at its end. The set-up checks that the raw lines (encoded the old way, {@code toWire} and
 * {@code JsonLine}) are byte for byte what the sink writes. The
 * class sits in the sink's package because its constructor, writer and encoder are package-private.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
public class JsonlSinkBenchmark {

    /** Records per operation: large enough that the sink's last wait (up to 10 ms) is a small part. */
    static final int RECORDS = 10_000;

    static final long FSYNC_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    static JsonlSink newSink(Path dir) {
        // the shipped defaults (fsync every 10 ms, not strict), outside OSGi as the sink's tests build it
        return new JsonlSink(dir, Clock.fixed(BenchTelemetry.AT, ZoneOffset.UTC),
                JsonlSink.settings(BenchTelemetry.defaults(JsonlSinkConfig.class)), Reporter.NONE, Output.FILES,
                () -> true, false);
    }

    /** The records, their lines as the sink encodes them, and the encoders. */
    @State(Scope.Benchmark)
    public static class Pool {
        List<TelemetryRecord> records;
        String[] lines;
        long bytes;
        JsonLine encoder;
        RecordEncoder recordEncoder;
        RecordEncoder.Line line;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            records = new ArrayList<>(BenchTelemetry.records(RECORDS).subList(0, RECORDS));
            encoder = new JsonLine(BenchTelemetry.defaults(JsonlSinkConfig.class).maxFieldChars());
            recordEncoder = new RecordEncoder(BenchTelemetry.defaults(JsonlSinkConfig.class).maxFieldChars());
            line = new RecordEncoder.Line(2048);
            lines = new String[RECORDS];
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < RECORDS; i++) {
                lines[i] = new String(encoder.encode(records.get(i).toWire()), StandardCharsets.US_ASCII);
                bytes += lines[i].length();
                all.append(lines[i]);
            }
            // the raw side writes exactly what the sink writes
            Path dir = BenchTelemetry.tempDir("otto-bench-jsonl-check-");
            try {
                JsonlSink sink = newSink(dir);
                long last = -1;
                for (TelemetryRecord r : records) {
                    last = sink.append(r);
                }
                check(sink.writer().awaitDurable(last, Duration.ofSeconds(30)), "the check run was not made durable");
                sink.deactivate();
                try (var files = Files.list(dir)) {
                    List<Path> written = files.toList();
                    check(written.size() == 1, "expected one day file, found " + written);
                    check(Files.readString(written.get(0), StandardCharsets.US_ASCII).equals(all.toString()),
                            "the raw lines differ from what the sink wrote");
                }
            } finally {
                BenchTelemetry.delete(dir);
            }
            System.out.printf("%npool: %,d records (%,d runs), %,d bytes of JSONL, %d bytes per line on average%n",
                    RECORDS, records.stream().filter(r -> r instanceof dev.otto.api.telemetry.RunTelemetry).count(),
                    bytes, bytes / RECORDS);
        }
    }

    /** The yardstick's file, new each iteration. */
    @State(Scope.Benchmark)
    public static class Raw {
        Path dir;
        Path file;
        FileOutputStream stream;
        BufferedWriter out;
        long lastSync;
        long ops;

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            dir = BenchTelemetry.tempDir("otto-bench-jsonl-raw-");
            file = dir.resolve("raw.jsonl");
            stream = new FileOutputStream(file.toFile(), true);
            out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.US_ASCII));
            lastSync = System.nanoTime();
            ops = 0;
        }

        @TearDown(Level.Iteration)
        public void tearDown(Pool pool) throws IOException {
            try {
                out.close();
                check(Files.size(file) == ops * pool.bytes, "raw file has " + Files.size(file) + " bytes, expected "
                        + ops * pool.bytes);
            } finally {
                BenchTelemetry.delete(dir);
            }
        }
    }

    /** The sink, new each iteration in a new folder. */
    @State(Scope.Benchmark)
    public static class Sink {
        Path dir;
        JsonlSink sink;
        long appended;

        @Setup(Level.Iteration)
        public void setUp() {
            dir = BenchTelemetry.tempDir("otto-bench-jsonl-sink-");
            sink = newSink(dir);
            appended = 0;
        }

        @TearDown(Level.Iteration)
        public void tearDown(Pool pool) throws IOException {
            try {
                sink.deactivate();
                JsonlWriter w = sink.writer();
                check(w.dropped() == 0 && w.written() == appended, "sink wrote " + w.written() + " and dropped "
                        + w.dropped() + " of " + appended + ": " + w.lastError());
                Path file = w.file(JsonlWriter.dayOf(pool.records.get(0)));
                check(Files.size(file) == appended / RECORDS * pool.bytes, "sink file has " + Files.size(file)
                        + " bytes, expected " + appended / RECORDS * pool.bytes);
            } finally {
                BenchTelemetry.delete(dir);
            }
        }
    }

    /** Yardstick: the encoded lines through a BufferedWriter, fsynced every 10 ms and at the end. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void j1_rawBufferedWriter(Pool pool, Raw raw) throws IOException {
        BufferedWriter out = raw.out;
        for (String line : pool.lines) {
            out.write(line);
            long now = System.nanoTime();
            if (now - raw.lastSync >= FSYNC_INTERVAL_NANOS) {
                out.flush();
                raw.stream.getFD().sync();
                raw.lastSync = now;
            }
        }
        out.flush();
        raw.stream.getFD().sync();
        raw.lastSync = System.nanoTime();
        raw.ops++;
    }

    /** The sink at default durability: append every record, then wait until the last is fsynced. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void j2_sink(Pool pool, Sink sink) throws InterruptedException {
        JsonlSink s = sink.sink;
        long last = -1;
        for (TelemetryRecord record : pool.records) {
            last = s.append(record);
        }
        check(s.writer().awaitDurable(last, Duration.ofSeconds(30)), "record " + last + " was not made durable");
        sink.appended += RECORDS;
    }

    /** Breakdown, no I/O: what the sink does per record before its lock (the direct encoder, a reused buffer). */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void j3_encodeOnly(Pool pool, Blackhole bh) {
        RecordEncoder.Line line = pool.line;
        for (TelemetryRecord record : pool.records) {
            line.length = 0;
            pool.recordEncoder.encode(record, line);
            bh.consume(line.length);
        }
        bh.consume(line.bytes);
    }

    /** Breakdown, no I/O: the record's wire map alone ({@code toWire}, in the API bundle). */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void j4_toWireOnly(Pool pool, Blackhole bh) {
        for (TelemetryRecord record : pool.records) {
            bh.consume(record.toWire());
        }
    }

    /** Breakdown, no I/O: the encoding the sink used before issue 7's work (wire map, escaping encoder). */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void j5_toWireAndJsonLine(Pool pool, Blackhole bh) {
        for (TelemetryRecord record : pool.records) {
            bh.consume(pool.encoder.encode(record.toWire()));
        }
    }
}
