package dev.otto.telemetry.jsonl;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Encodes a wire map as one JSON line of pure ASCII: every character outside printable ASCII is a
 * {@code \\uXXXX} escape (so newlines, U+2028/U+2029, control characters and lone surrogates can
 * never break a line or a reader), and every string is capped at a number of characters, the cut
 * marked with {@link #TRUNCATED}. It defines the bytes of a telemetry line: the sink's hot path,
 * {@link RecordEncoder}, writes the same bytes without the map, and is tested against this class.
 * Daily report files are written with it.
 */
final class JsonLine {

    /** Appended to a string cut at the cap. */
    static final String TRUNCATED = "...[truncated]";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int maxFieldChars;

    JsonLine(int maxFieldChars) {
        if (maxFieldChars < 16) {
            throw new IllegalArgumentException("maxFieldChars is " + maxFieldChars + ": expected >= 16");
        }
        this.maxFieldChars = maxFieldChars;
    }

    /** Returns the line, ending in {@code \n}, as ASCII bytes. */
    byte[] encode(Map<String, ?> wire) {
        // a run record is ~600 characters: start big enough that the builder never grows
        StringBuilder out = new StringBuilder(1024);
        value(out, wire);
        out.append('\n');
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Returns the JSON text of a value, without newline. */
    String text(Object value) {
        StringBuilder out = new StringBuilder(256);
        value(out, value);
        return out.toString();
    }

    private void value(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                value(out, e.getValue());
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, list.get(i));
            }
            out.append(']');
        } else {
            // the wire form allows nothing else; a stray type is written as its type name, never its content
            string(out, "<" + value.getClass().getSimpleName() + ">");
        }
    }

    private void string(StringBuilder out, String s) {
        String v = s;
        if (v.length() > maxFieldChars) {
            int cut = maxFieldChars - TRUNCATED.length();
            if (Character.isHighSurrogate(v.charAt(cut - 1))) {
                cut--;
            }
            v = v.substring(0, cut) + TRUNCATED;
        }
        out.append('"');
        // ids, model refs, enums and timestamps need no escape: find the first character that
        // does and append everything before it at once, then escape character by character
        int n = v.length();
        int plain = 0;
        while (plain < n) {
            char c = v.charAt(plain);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        if (plain == n) {
            out.append(v).append('"');
            return;
        }
        out.append(v, 0, plain);
        for (int i = plain; i < n; i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
