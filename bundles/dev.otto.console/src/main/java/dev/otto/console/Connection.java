package dev.otto.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One attached client after its hello: a script of commands ({@code run}) or an interactive
 * console ({@code console <TERM> <columns> <rows>}), served on the connection's thread.
 */
abstract class Connection implements AutoCloseable {

    /**
     * The connection for a request, or {@code null} when the request is none of them.
     *
     * @param request the hello's text after the protocol
     * @param in the client's frames
     * @param out frames to the client
     * @param consoles the sessions to run
     * @return the connection, not yet served
     */
    static Connection open(String request, DataInputStream in, DataOutputStream out, Consoles consoles) {
        if (request.equals("run")) {
            return new ScriptConnection(in, out, consoles);
        }
        String[] words = request.split(" ");
        if (words.length == 4 && words[0].equals("console")) {
            try {
                return new TerminalConnection(in, out, consoles, words[1], Integer.parseInt(words[2]),
                        Integer.parseInt(words[3]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Serves the client until it leaves or the session ends. */
    abstract void serve() throws IOException;

    /** Ends the connection's session; may be called from another thread, and more than once. */
    @Override
    public abstract void close();
}
