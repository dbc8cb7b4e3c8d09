package dev.otto.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.ConsoleWire.Frame;

/**
 * {@code bin/otto run} against a running Otto: one Gogo session for the connection, each command
 * run on a worker thread so that the connection's thread can still hear an interrupt (Ctrl-C in
 * the client) or the client going away, which interrupts the command too.
 */
final class ScriptConnection extends Connection {

    private final DataInputStream in;
    private final DataOutputStream out;
    private final Consoles.Script script;
    private volatile Thread running;

    ScriptConnection(DataInputStream in, DataOutputStream out, Consoles consoles) {
        this.in = in;
        this.out = out;
        this.script = consoles.script(new FrameOutput(out, ConsoleWire.OUT), new FrameOutput(out, ConsoleWire.ERR));
    }

    @Override
    void serve() throws IOException {
        try {
            for (Frame frame; (frame = ConsoleWire.read(in)) != null;) {
                if (frame.kind() == ConsoleWire.COMMAND) {
                    start(frame.text());
                } else if (frame.kind() == ConsoleWire.INTERRUPT) {
                    interrupt();
                }
            }
        } finally {
            interrupt(); // the client is gone: so is the command's audience
        }
    }

    private void start(String command) throws IOException {
        if (running != null) {
            ConsoleWire.write(out, ConsoleWire.ERR, "otto: one command at a time on a connection" + System.lineSeparator());
            return;
        }
        Thread worker = new Thread(() -> {
            int status = script.run(command);
            running = null;
            try {
                ConsoleWire.write(out, ConsoleWire.EXIT, Integer.toString(status));
            } catch (IOException clientGone) {
                // nobody is left to tell
            }
        }, Thread.currentThread().getName() + "-command");
        worker.setDaemon(true);
        running = worker;
        worker.start();
    }

    private void interrupt() {
        Thread worker = running;
        if (worker != null) {
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        interrupt();
        script.close();
    }
}
