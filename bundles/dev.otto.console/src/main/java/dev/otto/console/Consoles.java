package dev.otto.console;

import java.io.OutputStream;

import org.jline.terminal.Terminal;

/** What an attached client talks to: Gogo sessions, scripted or interactive. */
interface Consoles {

    /**
     * Opens a session for scripted commands ({@code bin/otto run}).
     *
     * @param out where the commands' output goes
     * @param err where their errors go, and each failure's one line
     * @return the session; closing it ends it
     */
    Script script(OutputStream out, OutputStream err);

    /**
     * Runs an interactive console on {@code terminal} until the operator leaves it ({@code exit},
     * Ctrl-D) or the terminal closes.
     *
     * @param terminal the operator's terminal, local or emulated for an attached client
     * @throws Exception when the console cannot run; the caller reports it
     */
    void interact(Terminal terminal) throws Exception;

    /** A Gogo session that runs one command line at a time. */
    interface Script extends AutoCloseable {

        /**
         * Runs one command line on the calling thread; interrupting that thread interrupts it.
         *
         * @param command the Gogo command line
         * @return {@code ConsoleWire.OK}, {@code FAILED} (its line written to err) or {@code INTERRUPTED}
         */
        int run(String command);

        @Override
        void close();
    }
}
