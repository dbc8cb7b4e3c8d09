package dev.otto.telemetry.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.otto.api.model.Flow;
import dev.otto.api.model.Ids;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.PolicyAudit;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;
import dev.otto.support.testing.TelemetryRecords;

/**
 * The sink's direct encoder writes byte for byte what {@link JsonLine} makes of {@code toWire()}:
 * the reference is computed from the wire map, so a field added to a {@code toWire} and missed by
 * {@link RecordEncoder} fails here.
 */
class RecordEncoderTest {

    /** Caps around the lengths of keys (up to 17), timestamps (20 and 24) and ids, and the defaults. */
    private static final int[] CAPS = { 16, 17, 18, 20, 21, 24, 25, 31, 64, 100, 512 };

    /** Characters that need care: escapes, line breaks of every kind, non-ASCII, surrogates. */
    private static final char[] HOSTILE = { '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u0007', '\u001b',
            '\u001f', ' ', '\u007f', '\u0080', '\u0085', '\u00a0', '\u00e9', '\u2028', '\u2029', '\u4e2d', '\ufeff',
            '\uffff', '\ud83d', '\ude00', '\ud800', '\udfff', '{', '}', ':', ',', '[', ']' };

    private static final long SEED = System.nanoTime();

    @Test
    void everyGeneratedRecordEncodesExactlyAsTheWireMapPath() {
        Random random = new Random(SEED);
        int compared = 0;
        for (int i = 0; i < 20_000; i++) {
            int cap = i % 3 == 0 ? CAPS[random.nextInt(CAPS.length)] : 16 + random.nextInt(600);
            TelemetryRecord record = random.nextInt(4) == 0 ? event(random) : run(random);
            assertSame(record, cap, "record " + i + " of seed " + SEED);
            compared++;
        }
        for (TelemetryRecord record : fixed()) {
            for (int cap : CAPS) {
                assertSame(record, cap, "fixed record " + record.runId());
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(20_000);
    }

    @Test
    void stringsEncodeExactlyAsJsonLineWhateverTheyHold() {
        Random random = new Random(SEED);
        for (int i = 0; i < 50_000; i++) {
            int cap = CAPS[random.nextInt(CAPS.length)];
            int length = random.nextInt(4) == 0 ? cap - 16 + random.nextInt(32) : random.nextInt(40);
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < Math.max(0, length); k++) {
                s.append(switch (random.nextInt(4)) {
                    case 0 -> HOSTILE[random.nextInt(HOSTILE.length)];
                    case 1 -> (char) random.nextInt(0x10000);
                    case 2 -> "\ud83d\ude00".charAt(k % 2); // pairs, and lone halves where they are cut
                    default -> (char) (0x20 + random.nextInt(0x5f));
                });
            }
            String value = s.toString();
            RecordEncoder.Line line = new RecordEncoder.Line(8);
            new RecordEncoder(cap).string(line, value);
            String fast = new String(line.bytes, 0, line.length, StandardCharsets.US_ASCII);
            assertThat(fast).as("cap %d, seed %d, value %s", cap, SEED, escapeForMessage(value))
                    .isEqualTo(new JsonLine(cap).text(value));
        }
    }

    @Test
    void instantsPrintLikeInstantToStringInEveryEra() {
        Random random = new Random(SEED);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59.999Z"),
                Instant.parse("9999-12-31T23:59:59.999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("2000-02-29T12:00:00.001Z"), Instant.parse("1900-03-01T00:00:00Z"),
                Instant.parse("2026-03-10T23:59:59.999999999Z"), Instant.parse("1969-12-31T23:59:59.000999Z")));
        for (int i = 0; i < 20_000; i++) {
            long second = switch (i % 3) {
                case 0 -> 1_700_000_000L + random.nextInt(400_000_000);
                case 1 -> random.nextLong() % 400_000_000_000L;
                default -> Instant.MIN.getEpochSecond() + Math.floorMod(random.nextLong(),
                        Instant.MAX.getEpochSecond() - Instant.MIN.getEpochSecond());
            };
            int nano = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(second, nano));
        }
        for (Instant at : instants) {
            // an event carries one instant alone: its line differs from the reference only if the instant does
            FallbackEvent event = new FallbackEvent("r", "t", TelemetryRecords.A, TelemetryRecords.B, ReasonCode.TIMEOUT, RouteType.API_KEY,
                    ErrorClass.TIMEOUT_ERROR, 1, at);
            assertSame(event, 512, "instant " + at);
            assertSame(event, 20, "instant " + at + " at cap 20");
        }
    }

    private static void assertSame(TelemetryRecord record, int cap, String context) {
        String reference = new String(new JsonLine(cap).encode(record.toWire()), StandardCharsets.US_ASCII);
        RecordEncoder.Line line = new RecordEncoder.Line(16); // small: growing is exercised too
        line.put(new byte[] { 'x' }); // appends after what is there
        new RecordEncoder(cap).encode(record, line);
        String fast = new String(line.bytes, 1, line.length - 1, StandardCharsets.US_ASCII);
        if (!fast.equals(reference)) {
            throw new AssertionError(context + ", cap " + cap + ", seed " + SEED + ":\nexpected " + reference
                    + "\nbut was  " + fast);
        }
    }

    private static List<TelemetryRecord> fixed() {
        Instant at = Instant.parse("2026-03-10T12:00:00Z");
        ModelRef long1 = ModelRef.of("p", "m".repeat(600));
        ModelRef surrogateAtCut = ModelRef.of("p", "x".repeat(47) + "\ud83d\ude00".repeat(300));
        ModelRef hostile = ModelRef.of("pr\"o\\v\u00e9", "a /\u2028b\u2029c\"d\\e\ud83d\ude00f\ud800g");
        List<TelemetryRecord> records = new ArrayList<>();
        records.add(TelemetryRecords.run("r1", "t1", at, true, true, RouteType.API_KEY));
        records.add(TelemetryRecords.run("r\"1\\x\u00e9", "t},{\"event\":\"run\"", at, false, false, RouteType.SUBSCRIPTION));
        records.add(TelemetryRecords.codingRun("c1", at));
        records.add(TelemetryRecords.event("e1", at));
        records.add(new RunTelemetry("x".repeat(Ids.MAX_LENGTH), "\ud83d\ude00".repeat(Ids.MAX_LENGTH / 2), null,
                Flow.WATCHDOG_FAILURES, Long.MAX_VALUE, RouteType.API_KEY, null, null, null, null, List.of(), 0,
                RunOutcome.FAILED, ErrorClass.of("E".repeat(64)), Long.MAX_VALUE, 0, Instant.EPOCH, Instant.EPOCH,
                List.of("a".repeat(64), PolicyAudit.DEADLINE_EXCEEDED), Long.MAX_VALUE, "\ud800\udfff\udc00"));
        records.add(new RunTelemetry("r2", "t2", TaskType.ANALYSIS, null, 1L, RouteType.SUBSCRIPTION,
                ResolutionSource.UNAVAILABLE_FALLBACK, long1, surrogateAtCut, hostile,
                List.of(new ModelTransition(1, surrogateAtCut, long1, ReasonCode.CAPACITY, ErrorClass.UNKNOWN, at),
                        new ModelTransition(2, long1, hostile, ReasonCode.NONE, ErrorClass.of("x_1"), at.plusNanos(1))),
                3, RunOutcome.TIMED_OUT, ErrorClass.TIMEOUT_ERROR, 0, Long.MAX_VALUE, at.minusNanos(999_999), at,
                List.of(), 0, "v"));
        records.add(new FallbackEvent("\"", "\\", hostile, long1, ReasonCode.POLICY_OVERRIDE, RouteType.SUBSCRIPTION,
                ErrorClass.RATE_LIMITED, Integer.MAX_VALUE, Instant.MAX));
        return records;
    }

    private static RunTelemetry run(Random random) {
        boolean task = random.nextBoolean();
        int attempts = random.nextInt(5);
        ModelRef selected = attempts > 0 || random.nextBoolean() ? model(random) : null;
        if (attempts > 0 && selected == null) {
            selected = model(random);
        }
        ModelRef finalModel = attempts == 0 ? null : model(random);
        List<ModelTransition> steps = new ArrayList<>();
        Instant finished = instant(random);
        Instant started = finished.minusMillis(random.nextInt(3) == 0 ? 0 : random.nextInt(10_000_000))
                .minusNanos(random.nextInt(1_000_000));
        int transitions = attempts == 0 ? 0 : random.nextInt(attempts);
        for (int i = 0; i < transitions; i++) {
            ModelRef from = model(random);
            ModelRef to = model(random);
            if (from.equals(to)) {
                to = ModelRef.of(to.providerId(), to.modelId() + "2");
            }
            steps.add(new ModelTransition(i + 1, from, to, pick(random, ReasonCode.values()), errorClass(random),
                    instant(random)));
        }
        RunOutcome outcome = attempts == 0 ? pick(random, RunOutcome.FAILED, RunOutcome.TIMED_OUT)
                : pick(random, RunOutcome.values());
        List<String> audit = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            audit.add(random.nextBoolean() ? PolicyAudit.ROUTE_TYPE_DEFAULTED : token(random));
        }
        return new RunTelemetry(id(random), id(random), task ? pick(random, TaskType.values()) : null,
                task ? null : pick(random, Flow.values()), random.nextBoolean() ? null : 1 + Math.abs(random.nextLong() >>> 1),
                pick(random, RouteType.values()), random.nextInt(5) == 0 ? null : pick(random, ResolutionSource.values()),
                random.nextInt(4) == 0 ? null : model(random), selected, finalModel, steps, attempts, outcome,
                random.nextBoolean() ? null : errorClass(random), random.nextLong() >>> (1 + random.nextInt(63)),
                random.nextInt(100_000), started, finished, audit, random.nextInt(3) == 0 ? Long.MAX_VALUE
                        : random.nextInt(Integer.MAX_VALUE), id(random));
    }

    private static FallbackEvent event(Random random) {
        ModelRef from = model(random);
        ModelRef to = model(random);
        if (from.equals(to)) {
            to = ModelRef.of(to.providerId(), to.modelId() + "2");
        }
        return new FallbackEvent(id(random), id(random), from, to, pick(random, ReasonCode.values()),
                pick(random, RouteType.values()), errorClass(random), 1 + random.nextInt(Integer.MAX_VALUE),
                instant(random));
    }

    private static Instant instant(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Instant.ofEpochSecond(random.nextLong() % 300_000_000_000L, random.nextInt(1_000_000_000));
            case 1 -> Instant.ofEpochSecond(1_770_000_000L + random.nextInt(100_000), 0);
            default -> Instant.ofEpochSecond(1_770_000_000L + random.nextInt(100_000_000), random.nextInt(1000) * 1_000_000L);
        };
    }

    /** A valid id: 1 to 200 characters without whitespace or control characters, hostile otherwise. */
    private static String id(Random random) {
        while (true) {
            String s = text(random, 1 + (random.nextInt(5) == 0 ? random.nextInt(Ids.MAX_LENGTH) : random.nextInt(40)));
            if (Ids.isValid(s)) {
                return s;
            }
        }
    }

    private static ModelRef model(Random random) {
        while (true) {
            String provider = random.nextInt(3) == 0 ? text(random, 1 + random.nextInt(20))
                    : pick(random, "openai", "openai-codex", "openrouter");
            String model = random.nextInt(3) == 0 ? text(random, 1 + random.nextInt(random.nextBoolean() ? 30 : 700))
                    : pick(random, "gpt-5.2", "gpt-5.3-codex", "google/gemini-3-pro");
            if (ModelRef.isValidProviderId(provider) && ModelRef.isValid(provider + "/" + model)) {
                return ModelRef.of(provider, model);
            }
        }
    }

    private static String text(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(switch (random.nextInt(5)) {
                case 0 -> HOSTILE[random.nextInt(HOSTILE.length)];
                case 1 -> (char) random.nextInt(0x10000);
                default -> (char) (0x21 + random.nextInt(0x5e));
            });
        }
        return s.toString();
    }

    private static ErrorClass errorClass(Random random) {
        StringBuilder name = new StringBuilder().append((char) ('A' + random.nextInt(26)));
        for (int i = random.nextInt(64); i > 0; i--) {
            name.append("abcXYZ019_".charAt(random.nextInt(10)));
        }
        return random.nextBoolean() ? ErrorClass.TIMEOUT_ERROR : ErrorClass.of(name.toString());
    }

    private static String token(Random random) {
        StringBuilder token = new StringBuilder().append((char) ('a' + random.nextInt(26)));
        for (int i = random.nextInt(64); i > 0; i--) {
            token.append("az09_".charAt(random.nextInt(5)));
        }
        return token.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    private static String escapeForMessage(String value) {
        StringBuilder out = new StringBuilder();
        value.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.toString() + " " + Arrays.toString(value.chars().toArray());
    }
}
