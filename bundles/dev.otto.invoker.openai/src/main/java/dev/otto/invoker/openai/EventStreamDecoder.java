package dev.otto.invoker.openai;

import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.otto.api.spi.InvocationFailure;

/**
 * Server-sent events ({@code text/event-stream}) from bytes as they arrive: lines end with LF, CR
 * or CRLF; {@code data:} lines of one event are joined with LF and the event is handed on at the
 * blank line that ends it; comments ({@code : ping}) and the {@code event}, {@code id} and
 * {@code retry} fields are skipped. Stricter than a browser: any other line means the body is not
 * an event stream (an HTML page, garbage), which the caller reports as a malformed answer.
 *
 * <p>Not thread-safe: fed by one body subscriber, whose calls are serialised.
 */
final class EventStreamDecoder {

    /** Receives the data of each event. */
    @FunctionalInterface
    interface Events {
        /**
         * One event's data, UTF-8, without the final LF; valid only during the call.
         *
         * @throws InvocationFailure if the data ends the attempt
         */
        void data(byte[] data, int length) throws InvocationFailure;
    }

    private static final byte[] DATA = { 'd', 'a', 't', 'a' };
    private static final byte[][] SKIPPED = { { 'e', 'v', 'e', 'n', 't' }, { 'i', 'd' }, { 'r', 'e', 't', 'r', 'y' } };

    private byte[] line = new byte[512];
    private int lineLength;
    private byte[] data = new byte[512];
    private int dataLength;
    private boolean hasData;
    private boolean afterCarriageReturn;
    private int events;

    /**
     * Decodes bytes, handing on each complete event.
     *
     * @return false if the bytes are not an event stream
     * @throws InvocationFailure if {@code events} ended the attempt
     */
    boolean feed(ByteBuffer bytes, Events sink) throws InvocationFailure {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && afterCarriageReturn) {
                afterCarriageReturn = false; // the LF of a CRLF
                continue;
            }
            afterCarriageReturn = b == '\r';
            if (b == '\r' || b == '\n') {
                if (!line(sink)) {
                    return false;
                }
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
        return true;
    }

    /**
     * The body ended: a last line without its line end, and an event without its blank line, are
     * still taken (some servers end with {@code data: [DONE]} and no blank line).
     *
     * @return false if the last bytes are not an event stream
     * @throws InvocationFailure if {@code events} ended the attempt
     */
    boolean end(Events sink) throws InvocationFailure {
        if (lineLength > 0 && !line(sink)) {
            return false;
        }
        dispatch(sink);
        return true;
    }

    /** How many events (with data) have been handed on. */
    int events() {
        return events;
    }

    private boolean line(Events sink) throws InvocationFailure {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch(sink);
            return true;
        }
        if (line[0] == ':') {
            return true; // a comment: keep-alives are not output
        }
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int value = colon + 1;
        if (value < length && line[value] == ' ') {
            value++;
        }
        value = Math.min(value, length);
        if (is(DATA, colon)) {
            int needed = dataLength + (hasData ? 1 : 0) + (length - value);
            if (needed > data.length) {
                data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
            }
            if (hasData) {
                data[dataLength++] = '\n';
            }
            System.arraycopy(line, value, data, dataLength, length - value);
            dataLength += length - value;
            hasData = true;
            return true;
        }
        for (byte[] skipped : SKIPPED) {
            if (is(skipped, colon)) {
                return true;
            }
        }
        return false;
    }

    private boolean is(byte[] field, int length) {
        return length == field.length && Arrays.equals(line, 0, length, field, 0, length);
    }

    private void dispatch(Events sink) throws InvocationFailure {
        if (!hasData) {
            return;
        }
        int length = dataLength;
        hasData = false;
        dataLength = 0;
        events++;
        sink.data(data, length);
    }
}
