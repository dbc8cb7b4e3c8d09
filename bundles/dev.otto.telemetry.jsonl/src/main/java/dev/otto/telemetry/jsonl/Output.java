package dev.otto.telemetry.jsonl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.FileOutputStream;
import java.nio.file.Path;

/** An open telemetry file, append-only; an interface so tests can make writes fail like a full disk. */
interface Output extends AutoCloseable {

    /** Writes all of {@code bytes} at the end of the file. */
    void write(ByteBuffer bytes) throws IOException;

    /** Forces what was written to the device. */
    void force() throws IOException;

    @Override
    void close() throws IOException;

    /** Opens files. */
    @FunctionalInterface
    interface Opener {
        Output open(Path file) throws IOException;
    }

    /**
     * The real thing: a {@link FileOutputStream} in append mode. Not a {@code FileChannel}: a channel
     * is closed when the writing thread is interrupted (as the router does when it removes a sink).
     */
    Opener FILES = file -> {
        FileOutputStream stream = new FileOutputStream(file.toFile(), true);
        return new Output() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                stream.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
            }

            @Override
            public void force() throws IOException {
                stream.getFD().sync();
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }
        };
    };
}
