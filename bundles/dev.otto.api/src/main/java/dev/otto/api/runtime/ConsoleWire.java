package dev.otto.api.runtime;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * What {@code bin/otto} and a running Otto say to each other on the console socket
 * ({@link OttoPaths#consoleSocket()}, a Unix domain socket only the owner can open).
 *
 * <p>Both sides send frames: one byte naming the kind, a big-endian {@code int} length, then that
 * many bytes, UTF-8 where the frame carries text. The client opens with {@link #HELLO}, whose text
 * is {@link #PROTOCOL}, a space and what it wants:
 * <ul>
 * <li>{@code run}: {@link #COMMAND} frames follow, one at a time. The server answers each with
 * {@link #OUT} and {@link #ERR} frames as the command prints, then one {@link #EXIT} frame
 * whose text is the status: {@value #OK} done, {@value #FAILED} failed (its one line on
 * {@link #ERR}), {@value #INTERRUPTED} interrupted. {@link #INTERRUPT} while a command runs
 * interrupts it.</li>
 * <li>{@code console <TERM> <columns> <rows>}: an interactive Gogo session on a terminal the server
 * emulates. {@link #INPUT} carries what the operator types (raw terminal bytes), {@link #SIZE}
 * {@code "<columns> <rows>"} a resized window; the server sends {@link #OUT} and, when the
 * session ends, {@link #EXIT}.</li>
 * <li>{@code stop}: the server answers {@link #PID} with its process id and stops gracefully; the
 * connection closes when it stops.</li>
 * </ul>
 * A client the server refuses (another user, an unknown protocol) gets one {@link #ERR} frame that
 * says why and {@link #EXIT} {@value #REFUSED}.
 *
 * <p>Writes are synchronized on the stream, so several threads may write frames to one
 * connection.
 */
public final class ConsoleWire {

    /** The protocol and its version; a server refuses any other. */
    public static final String PROTOCOL = "otto-console/1";

    /** Client: the first frame, {@code PROTOCOL + " " + mode}. */
    public static final byte HELLO = 'H';
    /** Client: one Gogo command line to run. */
    public static final byte COMMAND = 'C';
    /** Client: interrupt the command that is running. */
    public static final byte INTERRUPT = 'I';
    /** Client: bytes typed on the operator's terminal. */
    public static final byte INPUT = 'D';
    /** Client: the terminal's new size, {@code "<columns> <rows>"}. */
    public static final byte SIZE = 'W';
    /** Server: standard output of a command or of the console session. */
    public static final byte OUT = 'O';
    /** Server: standard error of a command, or why the client is refused. */
    public static final byte ERR = 'E';
    /** Server: a command or session ended; the text is its status. */
    public static final byte EXIT = 'X';
    /** Server: the process id of the running Otto (the answer to {@code stop}). */
    public static final byte PID = 'P';

    /** Status of a command that succeeded. */
    public static final int OK = 0;
    /** Status of a command that failed. */
    public static final int FAILED = 1;
    /** Status of a refused client. */
    public static final int REFUSED = 2;
    /** Status of an interrupted command (as a shell reports SIGINT). */
    public static final int INTERRUPTED = 130;

    /** The largest frame either side accepts. */
    public static final int MAX_FRAME = 16 * 1024 * 1024;

    private ConsoleWire() {
    }

    /**
     * A buffered stream reading the connection. Not {@code Channels.newInputStream}: its streams of
     * one blocking channel share a lock, so a thread waiting to read would keep every writer out.
     *
     * @param channel the connection
     * @return frames to read with {@link #read(DataInputStream)}
     */
    public static DataInputStream input(SocketChannel channel) {
        return new DataInputStream(new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
            }
        }));
    }

    /**
     * A buffered stream writing the connection, for {@link #write(DataOutputStream, byte, String)};
     * see {@link #input(SocketChannel)} for why not {@code Channels.newOutputStream}.
     *
     * @param channel the connection
     * @return the stream frames are written to
     */
    public static DataOutputStream output(SocketChannel channel) {
        return new DataOutputStream(new BufferedOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] { (byte) b }, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        }));
    }

    /** One frame as read. */
    public record Frame(byte kind, byte[] payload) {

        /** The payload as UTF-8 text. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes one frame and flushes it.
     *
     * @param out the connection's stream
     * @param kind the frame's kind
     * @param payload its bytes
     * @param offset where they start
     * @param length how many
     * @throws IOException when the connection is gone
     */
    public static void write(DataOutputStream out, byte kind, byte[] payload, int offset, int length) throws IOException {
        synchronized (out) {
            out.writeByte(kind);
            out.writeInt(length);
            out.write(payload, offset, length);
            out.flush();
        }
    }

    /**
     * Writes one frame of text and flushes it.
     *
     * @param out the connection's stream
     * @param kind the frame's kind
     * @param text its text, sent as UTF-8
     * @throws IOException when the connection is gone
     */
    public static void write(DataOutputStream out, byte kind, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(out, kind, bytes, 0, bytes.length);
    }

    /**
     * Reads the next frame.
     *
     * @param in the connection's stream
     * @return the frame, or {@code null} when the other side closed the connection between frames
     * @throws IOException when the connection broke inside a frame or a frame is too large
     */
    public static Frame read(DataInputStream in) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a console frame of " + length + " bytes (at most " + MAX_FRAME + ")");
        }
        byte[] payload = new byte[length];
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            throw new IOException("the console connection closed inside a frame", e);
        }
        return new Frame((byte) kind, payload);
    }
}
