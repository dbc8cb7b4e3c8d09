package dev.otto.api.telemetry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers for the wire form; package-private so the wire format has one home. */
final class Wire {

    private Wire() {
    }

    /** ISO-8601 UTC with millisecond precision: what JSONL and SQLite sinks both store. */
    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static String string(Object value) {
        return value == null ? null : value.toString();
    }

    static Map<String, Object> freeze(LinkedHashMap<String, Object> map) {
        return Collections.unmodifiableMap(map);
    }
}
