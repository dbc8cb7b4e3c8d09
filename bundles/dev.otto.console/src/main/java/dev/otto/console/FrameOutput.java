package dev.otto.console;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import dev.otto.api.runtime.ConsoleWire;

/**
 * An output stream whose every write goes to the client at once as one frame of a kind
 * ({@link ConsoleWire#OUT} or {@link ConsoleWire#ERR}): progress lines reach the operator while a
 * command runs. Closing it does not close the connection.
 */
final class FrameOutput extends OutputStream {

    private final DataOutputStream connection;
    private final byte kind;

    FrameOutput(DataOutputStream connection, byte kind) {
        this.connection = connection;
        this.kind = kind;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > 0) {
            ConsoleWire.write(connection, kind, bytes, offset, length);
        }
    }
}
