package dev.otto.opencode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} body: lines end with LF (a CR before it is dropped), an event's
 * {@code data:} lines are joined with LF, a blank line ends the event; comments ({@code :...}) and
 * the {@code event:}, {@code id:} and {@code retry:} fields are ignored (OpenCode puts the event
 * type inside the JSON). An event larger than the cap is not kept: it is reported as oversized,
 * so that nothing grows without bound on a misbehaving server.
 */
final class SseReader {

    /** Receives the events of the stream, on the reading thread. */
    interface Listener {
        /** One event's data; {@code data} is reused after the call returns. */
        void event(byte[] data, int length);

        /** An event larger than the cap went by unread. */
        void oversized();
    }

    private static final int INITIAL = 8 * 1024;
    /** Buffers that grew past this are given back after their event. */
    private static final int KEEP = 1024 * 1024;

    private final InputStream in;
    private final int maxEventBytes;
    private byte[] line = new byte[INITIAL];
    private int lineStored;
    private long lineLength; // all bytes of the line, also those not stored
    private byte[] data = new byte[INITIAL];
    private int dataLength;
    private boolean hasData;
    private boolean eventOversized;
    private volatile long lastReadNanos = System.nanoTime();

    SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** When bytes last arrived, on {@link System#nanoTime()}. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /** Reads until the stream ends (returns) or fails (throws). */
    void run(Listener listener) throws IOException {
        byte[] chunk = new byte[16 * 1024];
        int n;
        while ((n = in.read(chunk)) != -1) {
            lastReadNanos = System.nanoTime();
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    append(chunk, from, i - from);
                    endLine(listener);
                    from = i + 1;
                }
            }
            append(chunk, from, n - from);
        }
    }

    private void append(byte[] bytes, int from, int length) {
        if (length == 0) {
            return;
        }
        lineLength += length;
        int room = maxEventBytes - lineStored;
        int take = Math.min(room, length);
        if (take > 0) {
            if (lineStored + take > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(maxEventBytes, Math.max(lineStored + take, 2L * line.length)));
            }
            System.arraycopy(bytes, from, line, lineStored, take);
            lineStored += take;
        }
    }

    private void endLine(Listener listener) {
        int stored = lineStored;
        long length = lineLength;
        if (stored > 0 && stored == length && line[stored - 1] == '\r') {
            stored--;
            length--;
        }
        lineStored = 0;
        lineLength = 0;
        if (length == 0) {
            dispatch(listener);
            return;
        }
        if (length > stored) {
            eventOversized = true; // the line itself was too long
            return;
        }
        if (stored >= 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a'
                && (stored == 4 || line[4] == ':')) {
            int value = stored == 4 ? 4 : (stored > 5 && line[5] == ' ' ? 6 : 5);
            appendData(value, stored - value);
        }
    }

    private void appendData(int from, int length) {
        if (eventOversized) {
            return;
        }
        int separator = hasData ? 1 : 0;
        if ((long) dataLength + separator + length > maxEventBytes) {
            eventOversized = true;
            return;
        }
        if (dataLength + separator + length > data.length) {
            data = Arrays.copyOf(data, Math.max(dataLength + separator + length, Math.min(maxEventBytes, 2 * data.length)));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, length);
        dataLength += length;
        hasData = true;
    }

    private void dispatch(Listener listener) {
        try {
            if (eventOversized) {
                listener.oversized();
            } else if (hasData) {
                listener.event(data, dataLength);
            }
        } finally {
            hasData = false;
            eventOversized = false;
            dataLength = 0;
            if (data.length > KEEP) {
                data = new byte[INITIAL];
            }
            if (line.length > KEEP) {
                line = new byte[INITIAL];
            }
        }
    }
}
