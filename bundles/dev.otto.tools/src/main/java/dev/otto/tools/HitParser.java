package dev.otto.tools;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.otto.api.tools.SearchHit;

/**
 * Turns {@code rg}/{@code grep} output with {@code --null} ({@code file NUL line : text}, one per
 * line) into {@link SearchHit}s relative to the searched folder. A file name with {@code :} in it
 * is no problem because the NUL ends it. Each record and the number of hits are bounded.
 */
final class HitParser implements ProcessRun.Sink {

    /** Longest record kept; the rest of a longer line is skipped (its text is cut anyway). */
    static final int MAX_RECORD = 64 * 1024;

    private final Path root;
    private final int maxHits;
    private final List<SearchHit> hits = new ArrayList<>();
    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    private boolean truncated;

    HitParser(Path root, int maxHits) {
        this.root = root;
        this.maxHits = maxHits;
    }

    @Override
    public synchronized boolean accept(byte[] buffer, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (buffer[i] == '\n') {
                append(buffer, start, i - start);
                if (!complete()) {
                    return false;
                }
                start = i + 1;
            }
        }
        append(buffer, start, length - start);
        return true;
    }

    /** Parses a last record without a line end. */
    synchronized List<SearchHit> hits() {
        if (record.size() > 0 && !truncated) {
            complete();
        }
        return List.copyOf(hits);
    }

    synchronized boolean truncated() {
        return truncated;
    }

    private void append(byte[] buffer, int offset, int length) {
        int room = MAX_RECORD - record.size();
        if (room > 0 && length > 0) {
            record.write(buffer, offset, Math.min(room, length));
        }
    }

    /** @return false when the hit limit is passed */
    private boolean complete() {
        byte[] bytes = record.toByteArray();
        record.reset();
        SearchHit hit = parse(bytes);
        if (hit == null) {
            return true;
        }
        if (hits.size() >= maxHits) {
            truncated = true;
            return false;
        }
        hits.add(hit);
        return true;
    }

    private SearchHit parse(byte[] bytes) {
        int nul = indexOf(bytes, (byte) 0, 0);
        if (nul <= 0) {
            return null;
        }
        int colon = indexOf(bytes, (byte) ':', nul + 1);
        if (colon < 0) {
            return null;
        }
        int line;
        try {
            line = Integer.parseInt(new String(bytes, nul + 1, colon - nul - 1, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
        String file = new String(bytes, 0, nul, StandardCharsets.UTF_8);
        int end = bytes.length;
        if (end > colon + 1 && bytes[end - 1] == '\r') {
            end--; // CRLF files: both backends keep the CR, neither result needs it
        }
        String text = new String(bytes, colon + 1, end - colon - 1, StandardCharsets.UTF_8);
        return line < 1 ? null : new SearchHit(relative(file), line, text);
    }

    private String relative(String file) {
        try {
            Path path = Path.of(file).normalize();
            Path rel = path.startsWith(root) ? root.relativize(path) : path;
            String name = rel.toString().replace('\\', '/');
            return name.isEmpty() ? path.getFileName().toString() : name;
        } catch (InvalidPathException e) {
            return file;
        }
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
