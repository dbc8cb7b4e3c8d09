package dev.otto.launcher;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.ConsoleWire.Frame;
import sun.misc.Signal;

/**
 * {@code bin/otto}'s side of the running Otto's console socket ({@link ConsoleWire}): run
 * commands, open a console, stop it. Small on purpose: an attached command starts a JVM that
 * loads only this, not Felix.
 */
final class ConsoleClient implements Closeable {

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;

    private ConsoleClient(SocketChannel channel) {
        this.channel = channel;
        this.in = ConsoleWire.input(channel);
        this.out = ConsoleWire.output(channel);
    }

    /**
     * Connects to the Otto that serves {@code socket}.
     *
     * @return the client, or {@code null} when no Otto answers there (no socket, or one left behind
     *         by a process that was killed)
     * @throws IOException when one answers but cannot be reached, e.g. a socket of another user
     */
    static ConsoleClient connect(Path socket) throws IOException {
        if (Files.notExists(socket)) {
            return null; // (a socket in a folder this user may not enter is neither: connecting says why)
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException | java.nio.file.NoSuchFileException nobodyListens) {
            channel.close();
            return null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new ConsoleClient(channel);
    }

    /**
     * Runs each command in order and stops at the first that does not succeed; Ctrl-C interrupts
     * the command that runs.
     *
     * @return {@link ConsoleWire#OK}, or the status of the command that did not succeed
     */
    int run(List<String> commands, OutputStream stdout, OutputStream stderr) throws IOException {
        Signal.handle(new Signal("INT"), signal -> send(ConsoleWire.INTERRUPT, new byte[0], 0));
        boolean hello = true;
        for (String command : commands) {
            try {
                if (hello) {
                    ConsoleWire.write(out, ConsoleWire.HELLO, ConsoleWire.PROTOCOL + " run");
                    hello = false;
                }
                ConsoleWire.write(out, ConsoleWire.COMMAND, command);
            } catch (IOException closed) {
                // a server that refuses this client says why, then closes: read what it said
            }
            int status = copyUntilExit(stdout, stderr);
            if (status != ConsoleWire.OK) {
                return status;
            }
        }
        return ConsoleWire.OK;
    }

    /**
     * An interactive console: what the operator types goes to the running Otto byte by byte (the
     * terminal is raw meanwhile, so line editing, completion and Ctrl-C happen there), what it
     * prints comes back.
     *
     * @return the session's status
     */
    int console(InputStream keyboard, OutputStream screen, OutputStream stderr) throws IOException {
        try (RawTerminal terminal = RawTerminal.enter()) {
            ConsoleWire.write(out, ConsoleWire.HELLO, ConsoleWire.PROTOCOL + " console " + terminal.type() + " "
                    + terminal.columns() + " " + terminal.rows());
            Signal.handle(new Signal("WINCH"), signal -> {
                byte[] size = (terminal.columnsNow() + " " + terminal.rowsNow()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                send(ConsoleWire.SIZE, size, size.length);
            });
            Thread typing = new Thread(() -> forward(keyboard), "otto-console-keyboard");
            typing.setDaemon(true);
            typing.start();
            return copyUntilExit(screen, stderr);
        }
    }

    /** Asks the running Otto to stop; returns its process id, to wait for. */
    long stop(OutputStream stderr) throws IOException {
        ConsoleWire.write(out, ConsoleWire.HELLO, ConsoleWire.PROTOCOL + " stop");
        for (Frame frame; (frame = ConsoleWire.read(in)) != null;) {
            if (frame.kind() == ConsoleWire.PID) {
                return Long.parseLong(frame.text().trim());
            }
            if (frame.kind() == ConsoleWire.ERR) {
                stderr.write(frame.payload());
                stderr.flush();
            }
            if (frame.kind() == ConsoleWire.EXIT) {
                return -1;
            }
        }
        throw new IOException("the running Otto closed the connection without saying its process id");
    }

    private void forward(InputStream keyboard) {
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = keyboard.read(buffer)) > 0;) {
                ConsoleWire.write(out, ConsoleWire.INPUT, buffer, 0, n);
            }
            // the input ended (a script, or a closed terminal): Ctrl-D leaves once the line is empty
            ConsoleWire.write(out, ConsoleWire.INPUT, new byte[] { 4 }, 0, 1);
        } catch (IOException connectionGone) {
            // the session ended
        }
    }

    private int copyUntilExit(OutputStream stdout, OutputStream stderr) throws IOException {
        for (Frame frame; (frame = ConsoleWire.read(in)) != null;) {
            switch (frame.kind()) {
            case ConsoleWire.OUT:
                stdout.write(frame.payload());
                stdout.flush();
                break;
            case ConsoleWire.ERR:
                stderr.write(frame.payload());
                stderr.flush();
                break;
            case ConsoleWire.EXIT:
                return Integer.parseInt(frame.text().trim());
            default:
                break; // a frame a newer Otto sends; nothing to do with it here
            }
        }
        throw new IOException("the running Otto closed the connection (is it stopping?)");
    }

    private void send(byte kind, byte[] payload, int length) {
        try {
            ConsoleWire.write(out, kind, payload, 0, length);
        } catch (IOException connectionGone) {
            // the answer to a signal can wait for the next read to fail
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
