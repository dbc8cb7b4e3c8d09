package dev.otto.telemetry.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
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
import dev.otto.support.testing.ChildJvm;
import dev.otto.telemetry.jsonl.JsonlAccess;

/**
 * Kill -9 of a child JVM appending to both sinks from 8 threads, {@value #ROUNDS} times. After each
 * kill: every JSONL line but at most one trailing fragment parses as exactly one record (no merged
 * lines, no duplicates), the previous round's fragment was cut when the next child opened the
 * file, and every run whose fsync and commit were acknowledged is in the file and in SQLite.
 */
class CrashTest {

    static final int ROUNDS = 200;
    private static final int THREADS = 8;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    @TempDir
    Path data;

    @Test
    void everyAcknowledgedRecordSurvivesKill9AndNoLineIsMerged() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path jsonl = data.resolve("telemetry").resolve(OttoPaths.telemetryFileName(LocalDate.of(2026, 3, 10)));
        Set<String> acked = new HashSet<>();
        int fragments = 0;
        boolean lastLeftFragment = false;
        long tornCut = 0;
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            String context = "round " + round + " of seed " + seed;
            Files.createDirectories(data);
            ChildJvm child = ChildJvm.start(CrashChild.class, data.resolve("child-" + round + ".err"),
                    line -> line.startsWith("ack "), data.toString(), String.valueOf(THREADS), String.valueOf(round));
            int acks = 1 + random.nextInt(120);
            try {
                child.awaitAcks(acks, WAIT, context);
            } finally {
                child.kill();
            }
            for (String line : child.lines()) {
                if (line.startsWith("ack ")) {
                    acked.add(line.substring(4));
                } else if (line.startsWith("ready torn=")) {
                    tornCut += Long.parseLong(line.substring(11));
                }
            }
            lastLeftFragment = verifyJsonl(jsonl, acked, context);
            if (lastLeftFragment) {
                fragments++;
            }
            verifySqlite(data.resolve(TelemetryDatabase.FILE), acked, context);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("telemetry crash: %d kills of %d appending threads in %d ms, %d acknowledged runs, "
                + "%d trailing fragments seen, %d cut at the next start%n", ROUNDS, THREADS, millis, acked.size(),
                fragments, tornCut);
        assertThat(tornCut).as("each fragment left by a kill is cut by the next child").isEqualTo(fragments - (lastLeftFragment ? 1 : 0));
    }

    /** Returns true if the file ends with a fragment. */
    private static boolean verifyJsonl(Path file, Set<String> acked, String context) throws IOException {
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
            var record = JsonlAccess.parse(line);
            assertThat(record).as("a line that is not a valid record in " + context).isNotNull();
            assertThat(ids.add(record.runId())).as("duplicate line " + record.runId() + " in " + context).isTrue();
        }
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(ids);
        assertThat(missing).as("acknowledged runs missing from the JSONL file after " + context).isEmpty();
        return lastNewline + 1 < bytes.length;
    }

    private static void verifySqlite(Path db, Set<String> acked, String context) throws Exception {
        Set<String> stored = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).as("integrity after " + context).isEqualTo("ok");
            }
            try (ResultSet rs = s.executeQuery("SELECT run_id FROM runs")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        Set<String> missing = new HashSet<>(acked);
        missing.removeAll(stored);
        assertThat(missing).as("acknowledged runs missing from SQLite after " + context).isEmpty();
    }
}
