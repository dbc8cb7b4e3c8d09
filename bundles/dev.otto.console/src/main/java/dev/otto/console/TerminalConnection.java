package dev.otto.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.ConsoleWire.Frame;

/**
 * {@code bin/otto console}: the client's terminal is raw and sends every byte typed; here a JLine
 * terminal emulates the line discipline (so Ctrl-C raises SIGINT for the running command, and line
 * editing, history and completion work as on a local console) and the Gogo console runs on it, on
 * a thread of its own. UTF-8 both ways, whatever the platform default.
 */
final class TerminalConnection extends Connection {

    private final DataInputStream in;
    private final DataOutputStream out;
    private final Consoles consoles;
    private final ExternalTerminal terminal;

    TerminalConnection(DataInputStream in, DataOutputStream out, Consoles consoles, String type, int columns, int rows) {
        this.in = in;
        this.out = out;
        this.consoles = consoles;
        try {
            // paused: no pump thread; the connection's thread feeds it what the client types
            this.terminal = new ExternalTerminal(null, "otto", type, InputStream.nullInputStream(),
                    new FrameOutput(out, ConsoleWire.OUT), StandardCharsets.UTF_8, Terminal.SignalHandler.SIG_DFL, true,
                    null, new Size(columns, rows));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    void serve() throws IOException {
        Thread console = new Thread(this::interact, Thread.currentThread().getName() + "-shell");
        console.setDaemon(true);
        console.start();
        for (Frame frame; (frame = ConsoleWire.read(in)) != null;) {
            if (frame.kind() == ConsoleWire.INPUT) {
                terminal.processInputBytes(frame.payload());
            } else if (frame.kind() == ConsoleWire.SIZE) {
                resize(frame.text());
            }
        }
    }

    private void interact() {
        int status = ConsoleWire.OK;
        try {
            consoles.interact(terminal);
        } catch (Exception e) {
            status = ConsoleWire.FAILED;
            terminal.writer().println("otto: the console ended: " + e.getMessage());
            terminal.flush();
        }
        try {
            ConsoleWire.write(out, ConsoleWire.EXIT, Integer.toString(status));
        } catch (IOException clientGone) {
            // the client left first
        }
    }

    private void resize(String size) {
        String[] parts = size.split(" ");
        try {
            terminal.setSize(new Size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
            terminal.raise(Terminal.Signal.WINCH);
        } catch (RuntimeException ignored) {
            // a malformed size changes nothing
        }
    }

    @Override
    public void close() {
        terminal.raise(Terminal.Signal.INT); // the client left: a command it started has nobody to answer to
        try {
            terminal.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
