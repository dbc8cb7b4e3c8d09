package dev.otto.telemetry.jsonl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.routing.ResolutionSource;
import dev.otto.api.routing.RunOutcome;
import dev.otto.api.telemetry.FallbackEvent;
import dev.otto.api.telemetry.ModelTransition;
import dev.otto.api.telemetry.RunTelemetry;
import dev.otto.api.telemetry.TelemetryRecord;

/**
 * Encodes a record straight into ASCII bytes, byte for byte what {@link JsonLine#encode} makes of
 * its {@code toWire()} map, without building the map, the timestamp strings, a {@code StringBuilder}
 * or a {@code String}: the sink's hot path. {@code RecordEncoderTest} compares the two on many
 * generated and hostile records, so a field added to a {@code toWire} and missed here fails it.
 */
final class RecordEncoder {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUNCATED = ascii(JsonLine.TRUNCATED);
    private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));

    /** Instants printed here rather than by {@code Instant.toString}: years 0000 to 9999. */
    private static final long FIRST_FAST_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long LAST_FAST_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    private final int maxFieldChars;

    // keys as JsonLine writes them (through its string rule, so even a cap below a key's length matches)
    private final byte[] runStart;
    private final byte[] runTaskId;
    private final byte[] runTaskType;
    private final byte[] runFlow;
    private final byte[] runJobId;
    private final byte[] runRouteType;
    private final byte[] runResolutionSource;
    private final byte[] runRequestedModel;
    private final byte[] runSelectedModel;
    private final byte[] runFinalModel;
    private final byte[] runTransitions;
    private final byte[] runAttemptCount;
    private final byte[] runOutcome;
    private final byte[] runErrorClass;
    private final byte[] runTokensIn;
    private final byte[] runTokensOut;
    private final byte[] runStartedAt;
    private final byte[] runFinishedAt;
    private final byte[] runDurationMs;
    private final byte[] runPolicyAudit;
    private final byte[] runCatalogAgeMs;
    private final byte[] runConfigVersion;
    private final byte[] stepAttempt;
    private final byte[] stepFrom;
    private final byte[] stepTo;
    private final byte[] stepReason;
    private final byte[] stepErrorClass;
    private final byte[] stepAt;
    private final byte[] eventStart;
    private final byte[] eventFrom;
    private final byte[] eventTo;
    private final byte[] eventReason;
    private final byte[] eventRouteType;
    private final byte[] eventErrorClass;
    private final byte[] eventAttempt;
    private final byte[] eventTs;
    private final byte[] eventRunId;

    // the enums' wire names as string values, by ordinal
    private final byte[][] taskTypes;
    private final byte[][] flows;
    private final byte[][] routeTypes;
    private final byte[][] resolutionSources;
    private final byte[][] outcomes;
    private final byte[][] reasons;

    RecordEncoder(int maxFieldChars) {
        if (maxFieldChars < 16) {
            throw new IllegalArgumentException("maxFieldChars is " + maxFieldChars + ": expected >= 16");
        }
        this.maxFieldChars = maxFieldChars;
        runStart = constant("{", "event", ":", RunTelemetry.TYPE, ",", "run_id", ":");
        runTaskId = key("task_id");
        runTaskType = key("task_type");
        runFlow = key("flow");
        runJobId = key("job_id");
        runRouteType = key("route_type");
        runResolutionSource = key("resolution_source");
        runRequestedModel = key("requested_model");
        runSelectedModel = key("selected_model");
        runFinalModel = key("final_model");
        runTransitions = constant(",", "transitions", ":[");
        runAttemptCount = constant("],", "attempt_count", ":");
        runOutcome = key("outcome");
        runErrorClass = key("error_class");
        runTokensIn = key("tokens_in");
        runTokensOut = key("tokens_out");
        runStartedAt = key("started_at");
        runFinishedAt = key("finished_at");
        runDurationMs = key("duration_ms");
        runPolicyAudit = constant(",", "policy_audit", ":[");
        runCatalogAgeMs = constant("],", "catalog_age_ms", ":");
        runConfigVersion = key("config_version");
        stepAttempt = constant("{", "attempt", ":");
        stepFrom = key("from");
        stepTo = key("to");
        stepReason = key("reason");
        stepErrorClass = key("error_class");
        stepAt = key("at");
        eventStart = constant("{", "event", ":", FallbackEvent.TYPE, ",", "task_id", ":");
        eventFrom = key("from");
        eventTo = key("to");
        eventReason = key("reason");
        eventRouteType = key("route_type");
        eventErrorClass = key("error_class");
        eventAttempt = key("attempt");
        eventTs = key("ts");
        eventRunId = key("run_id");
        taskTypes = values(TaskType.values(), TaskType::wireName);
        flows = values(Flow.values(), Flow::wireName);
        routeTypes = values(RouteType.values(), RouteType::wireName);
        resolutionSources = values(ResolutionSource.values(), ResolutionSource::wireName);
        outcomes = values(RunOutcome.values(), RunOutcome::wireName);
        reasons = values(ReasonCode.values(), ReasonCode::wireName);
    }

    /** Appends the record's line, ending in {@code \n}. */
    void encode(TelemetryRecord record, Line out) {
        if (record instanceof RunTelemetry run) {
            run(run, out);
        } else {
            event((FallbackEvent) record, out);
        }
        out.put('\n');
    }

    private void run(RunTelemetry r, Line out) {
        out.put(runStart);
        string(out, r.runId());
        out.put(runTaskId);
        string(out, r.taskId());
        out.put(runTaskType);
        out.put(r.taskType() == null ? NULL : taskTypes[r.taskType().ordinal()]);
        out.put(runFlow);
        out.put(r.flow() == null ? NULL : flows[r.flow().ordinal()]);
        out.put(runJobId);
        if (r.jobId() == null) {
            out.put(NULL);
        } else {
            number(out, r.jobId());
        }
        out.put(runRouteType);
        out.put(routeTypes[r.routeType().ordinal()]);
        out.put(runResolutionSource);
        out.put(r.resolutionSource() == null ? NULL : resolutionSources[r.resolutionSource().ordinal()]);
        out.put(runRequestedModel);
        model(out, r.requestedModel());
        out.put(runSelectedModel);
        model(out, r.selectedModel());
        out.put(runFinalModel);
        model(out, r.finalModel());
        out.put(runTransitions);
        List<ModelTransition> steps = r.transitions();
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                out.put(',');
            }
            step(out, steps.get(i));
        }
        out.put(runAttemptCount);
        number(out, r.attemptCount());
        out.put(runOutcome);
        out.put(outcomes[r.outcome().ordinal()]);
        out.put(runErrorClass);
        string(out, r.errorClass() == null ? null : r.errorClass().toString());
        out.put(runTokensIn);
        number(out, r.tokensIn());
        out.put(runTokensOut);
        number(out, r.tokensOut());
        out.put(runStartedAt);
        timestamp(out, r.startedAt());
        out.put(runFinishedAt);
        timestamp(out, r.finishedAt());
        out.put(runDurationMs);
        number(out, r.duration().toMillis());
        out.put(runPolicyAudit);
        List<String> audit = r.policyAudit();
        for (int i = 0; i < audit.size(); i++) {
            if (i > 0) {
                out.put(',');
            }
            string(out, audit.get(i));
        }
        out.put(runCatalogAgeMs);
        number(out, r.catalogAgeMs());
        out.put(runConfigVersion);
        string(out, r.configVersion());
        out.put('}');
    }

    private void step(Line out, ModelTransition t) {
        out.put(stepAttempt);
        number(out, t.attempt());
        out.put(stepFrom);
        model(out, t.from());
        out.put(stepTo);
        model(out, t.to());
        out.put(stepReason);
        out.put(reasons[t.reason().ordinal()]);
        out.put(stepErrorClass);
        string(out, t.errorClass().name());
        out.put(stepAt);
        timestamp(out, t.at());
        out.put('}');
    }

    private void event(FallbackEvent e, Line out) {
        out.put(eventStart);
        string(out, e.taskId());
        out.put(eventFrom);
        model(out, e.from());
        out.put(eventTo);
        model(out, e.to());
        out.put(eventReason);
        out.put(reasons[e.reason().ordinal()]);
        out.put(eventRouteType);
        out.put(routeTypes[e.routeType().ordinal()]);
        out.put(eventErrorClass);
        string(out, e.errorClass().name());
        out.put(eventAttempt);
        number(out, e.attempt());
        out.put(eventTs);
        timestamp(out, e.ts());
        out.put(eventRunId);
        string(out, e.runId());
        out.put('}');
    }

    /** {@code provider/model} as one string value, without building it unless it must be cut. */
    private void model(Line out, ModelRef ref) {
        if (ref == null) {
            out.put(NULL);
            return;
        }
        String provider = ref.providerId();
        String model = ref.modelId();
        if (provider.length() + 1 + model.length() > maxFieldChars) {
            string(out, ref.toString());
            return;
        }
        out.put('"');
        chars(out, provider, provider.length());
        out.put('/');
        chars(out, model, model.length());
        out.put('"');
    }

    /** A string value by {@link JsonLine}'s rule: cut at the cap with a marker, escaped to ASCII. */
    void string(Line out, String s) {
        if (s == null) {
            out.put(NULL);
            return;
        }
        int end = s.length();
        boolean cut = end > maxFieldChars;
        if (cut) {
            end = maxFieldChars - JsonLine.TRUNCATED.length();
            if (Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
        }
        out.put('"');
        chars(out, s, end);
        if (cut) {
            out.put(TRUNCATED);
        }
        out.put('"');
    }

    /**
     * The first {@code end} characters of {@code s}, escaped; printable ASCII as is. Runs of
     * characters that need no escape (nearly everything) are found by a tight scan and copied at once.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for the ASCII runs it copies
    private static void chars(Line out, String s, int end) {
        byte[] b = out.room(end * 6);
        int p = out.length;
        int i = 0;
        while (i < end) {
            int plain = i;
            while (plain < end) {
                char c = s.charAt(plain);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    break;
                }
                plain++;
            }
            if (plain > i) {
                s.getBytes(i, plain, b, p);
                p += plain - i;
                i = plain;
                if (i == end) {
                    break;
                }
            }
            char c = s.charAt(i++);
            b[p++] = '\\';
            switch (c) {
                case '"' -> b[p++] = '"';
                case '\\' -> b[p++] = '\\';
                case '\n' -> b[p++] = 'n';
                case '\r' -> b[p++] = 'r';
                case '\t' -> b[p++] = 't';
                default -> {
                    b[p++] = 'u';
                    b[p++] = HEX[(c >> 12) & 0xf];
                    b[p++] = HEX[(c >> 8) & 0xf];
                    b[p++] = HEX[(c >> 4) & 0xf];
                    b[p++] = HEX[c & 0xf];
                }
            }
        }
        out.length = p;
    }

    private static void number(Line out, long v) {
        if (v == Long.MIN_VALUE) {
            out.put(MIN_LONG);
            return;
        }
        byte[] b = out.room(20);
        int p = out.length;
        if (v < 0) {
            b[p++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long rest = v / 10; rest != 0; rest /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            b[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        out.length = p + digits;
    }

    /**
     * {@code Instant.truncatedTo(MILLIS).toString()} as a string value (the API's {@code Wire.timestamp}):
     * {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z}, the fraction only when the millisecond is not 0.
     */
    private void timestamp(Line out, Instant at) {
        long second = at.getEpochSecond();
        int millis = at.getNano() / 1_000_000;
        int length = millis == 0 ? 20 : 24;
        if (second < FIRST_FAST_SECOND || second > LAST_FAST_SECOND || length > maxFieldChars) {
            // other years carry a sign or more digits, and a cap this small cuts it: the slow, exact path
            string(out, at.truncatedTo(ChronoUnit.MILLIS).toString());
            return;
        }
        long day = Math.floorDiv(second, 86_400);
        int secondOfDay = (int) Math.floorMod(second, 86_400);
        // days to civil date (H. Hinnant's algorithm), proleptic Gregorian like java.time
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int dayOfMonth = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        byte[] b = out.room(length + 2);
        int p = out.length;
        b[p++] = '"';
        p = digits(b, p, year, 4);
        b[p++] = '-';
        p = digits(b, p, month, 2);
        b[p++] = '-';
        p = digits(b, p, dayOfMonth, 2);
        b[p++] = 'T';
        p = digits(b, p, secondOfDay / 3600, 2);
        b[p++] = ':';
        p = digits(b, p, secondOfDay / 60 % 60, 2);
        b[p++] = ':';
        p = digits(b, p, secondOfDay % 60, 2);
        if (millis != 0) {
            b[p++] = '.';
            p = digits(b, p, millis, 3);
        }
        b[p++] = 'Z';
        b[p++] = '"';
        out.length = p;
    }

    private static int digits(byte[] b, int p, int value, int width) {
        for (int i = p + width - 1; i >= p; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return p + width;
    }

    /** Each constant's wire name encoded as a string value, by ordinal. */
    private <E extends Enum<E>> byte[][] values(E[] constants, Function<E, String> wireName) {
        byte[][] encoded = new byte[constants.length][];
        for (E constant : constants) {
            Line line = new Line(64);
            string(line, wireName.apply(constant));
            encoded[constant.ordinal()] = Arrays.copyOf(line.bytes, line.length);
        }
        return encoded;
    }

    /** {@code ,"key":} as {@link JsonLine} writes it. */
    private byte[] key(String key) {
        return constant(",", key, ":");
    }

    /** Alternating raw JSON syntax and string values (odd positions), encoded by {@link #string}. */
    private byte[] constant(String... parts) {
        Line line = new Line(64);
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 1) {
                string(line, parts[i]);
            } else {
                line.put(ascii(parts[i]));
            }
        }
        return Arrays.copyOf(line.bytes, line.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte buffer holding one or more encoded lines. */
    static final class Line {
        byte[] bytes;
        int length;

        Line(int capacity) {
            bytes = new byte[capacity];
        }

        /** Makes room for {@code n} more bytes and returns the (maybe new) array. */
        byte[] room(int n) {
            if (bytes.length - length < n) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
            return bytes;
        }

        void put(char c) {
            room(1)[length++] = (byte) c;
        }

        void put(byte[] b) {
            System.arraycopy(b, 0, room(b.length), length, b.length);
            length += b.length;
        }

        void put(byte[] b, int from, int n) {
            System.arraycopy(b, from, room(n), length, n);
            length += n;
        }
    }
}
