package dev.otto.telemetry.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.testing.ChildJvm;

/**
 * Kill -9 of a child JVM ({@link CrashChild}) writing the JSONL sink from waiting appenders and
 * bursting hoses, {@value #ROUNDS} times, each round on a new day's file. After each kill: every
 * line of the round's file but at most one trailing fragment parses as exactly one record (no
 * merged lines, no duplicates), every record acknowledged durable is in it, and the next child,
 * opening the file, cuts exactly that fragment. (The SQLite bundle's crash test drives both sinks
 * with waiting appenders only; the hoses here make kills land in the middle of 64 KB writes.)
 */
class CrashTest {

    static final int ROUNDS = 200;
    private static final int THREADS = 6;
    private static final int HOSES = 2;
    private static final int PER_HOSE = 3000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    @TempDir
    Path dir;

    @Test
    void acknowledgedRecordsSurviveKill9AndOnlyOneTrailingFragmentIsEverLeft() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int fragments = 0;
        int duringHoses = 0;
        long acked = 0;
        boolean previousLeftFragment = false;
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            String context = "round " + round + " of seed " + seed;
            Files.createDirectories(dir);
            ChildJvm child = ChildJvm.start(CrashChild.class, dir.resolve("child-" + round + ".err"),
                    line -> line.startsWith("ack "), dir.toString(), String.valueOf(round), String.valueOf(THREADS),
                    String.valueOf(HOSES), String.valueOf(PER_HOSE));
            try {
                child.awaitAcks(1 + random.nextInt(40), WAIT, context);
            } finally {
                child.kill();
            }
            Set<String> acks = new HashSet<>();
            long torn = -1;
            boolean hosesDone = false;
            for (String line : child.lines()) {
                if (line.startsWith("ack ")) {
                    acks.add(line.substring(4));
                } else if (line.startsWith("ready torn=")) {
                    torn = Long.parseLong(line.substring(11));
                } else if (line.equals("hose done")) {
                    hosesDone = true;
                }
            }
            if (round > 0) {
                assertThat(torn).as("fragments cut by the child of " + context).isEqualTo(previousLeftFragment ? 1 : 0);
                // the previous round's file is final now (this child's first record went there): verify, then delete
                Path previous = file(round - 1);
                assertThat(verify(previous, Set.of(), context + " (previous day)")).isFalse();
                Files.delete(previous);
            }
            previousLeftFragment = verify(file(round), acks, context);
            fragments += previousLeftFragment ? 1 : 0;
            duringHoses += hosesDone ? 0 : 1;
            acked += acks.size();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("jsonl crash: %d kills (%d while the hoses were writing) in %d ms, %d acknowledged records, "
                + "%d trailing fragments, each cut by the next child%n", ROUNDS, duringHoses, millis, acked, fragments);
        assertThat(duringHoses).as("kills that hit the hoses' batch writes").isGreaterThan(ROUNDS / 4);
    }

    private Path file(int round) {
        LocalDate day = LocalDate.ofInstant(CrashChild.DAY_ONE.plus(Duration.ofDays(round)), ZoneOffset.UTC);
        return dir.resolve(OttoPaths.telemetryFileName(day));
    }

    /** Returns true if the file ends with a fragment; fails on anything else that is not one record per line. */
    private static boolean verify(Path file, Set<String> acked, String context) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int lastNewline = -1;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        String whole = new String(bytes, 0, lastNewline + 1, StandardCharsets.US_ASCII);
        Set<String> ids = new HashSet<>();
        for (String line : whole.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                STRICT.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("a line that does not parse as one JSON object (merged or torn) in " + context
                        + ": " + line, e);
            }
            TelemetryRecord record = JsonlReader.parse(line);
            assertThat(record).as("a line that is not a valid record in " + context).isNotNull();
            assertThat(ids.add(record.runId())).as("duplicate line " + record.runId() + " in " + context).isTrue();
        }
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(ids);
        assertThat(missing).as("acknowledged records missing from " + file.getFileName() + " after " + context).isEmpty();
        return lastNewline + 1 < bytes.length;
    }
}
