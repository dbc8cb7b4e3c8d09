package dev.otto.console;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.jline.builtins.Completers.CompletionData;
import org.jline.terminal.Terminal;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.support.text.TerminalSafe;

/**
 * Gogo behind every console: scripted sessions format results and failures exactly as
 * {@code bin/otto run} always has; interactive ones run a {@link ConsoleLoop}.
 */
final class GogoConsoles implements Consoles {

    private final CommandProcessor processor;
    private final Path history;
    private final Path profile;
    private final Supplier<Map<String, List<CompletionData>>> completions;
    private final Function<String, String> usage;
    private final Log log;

    /**
     * @param processor Gogo's command processor
     * @param history the history file every console shares
     * @param profile the script each interactive console runs first ({@code etc/gosh_profile}); may not exist
     * @param completions the flags of every command, read when a console opens
     * @param usage a command's name to the one line saying what it takes ({@link CommandFlags#usage})
     * @param log where the details of a refused command line go
     */
    GogoConsoles(CommandProcessor processor, Path history, Path profile,
            Supplier<Map<String, List<CompletionData>>> completions, Function<String, String> usage, Log log) {
        this.processor = processor;
        this.history = history;
        this.profile = profile;
        this.completions = completions;
        this.usage = usage;
        this.log = log;
    }

    @Override
    public Script script(OutputStream out, OutputStream err) {
        PrintStream outText = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errText = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), outText, errText);
        return new Script() {
            @Override
            public int run(String command) {
                try {
                    Object result = session.execute(command);
                    if (result != null) {
                        String text = TerminalSafe.text(String.valueOf(session.format(result, Converter.INSPECT)).stripTrailing());
                        if (!text.isEmpty()) {
                            outText.println(text);
                        }
                    }
                    return ConsoleWire.OK;
                } catch (Exception e) {
                    if (Thread.interrupted() || wasInterrupted(e)) {
                        errText.println("otto: '" + TerminalSafe.text(command) + "' interrupted");
                        return ConsoleWire.INTERRUPTED;
                    }
                    errText.println("otto: '" + TerminalSafe.text(command) + "' failed: " + failure(command, e));
                    return ConsoleWire.FAILED;
                }
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    @Override
    public void interact(Terminal terminal) throws Exception {
        CommandSession session = processor.createSession(terminal.input(), terminal.output(), terminal.output());
        try {
            new ConsoleLoop(session, terminal, history, completions.get(), profile, this::failure).run();
        } finally {
            session.close();
        }
    }

    static boolean wasInterrupted(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What the operator reads when {@code command} failed with {@code e}, escaped for a terminal: the
     * command's own message, or, when Gogo found no method taking the arguments, what the command
     * takes (Gogo's words, never shown, go to the log).
     */
    String failure(String command, Throwable e) {
        if (CommandUsage.isArgumentMismatch(e)) {
            String name = CommandUsage.commandOf(command, e);
            // the command's name and Gogo's words (types, not values): the line itself may hold a prompt
            log.info(TerminalSafe.text(name) + " refused the arguments given: " + TerminalSafe.text(message(e)));
            String line;
            try {
                line = usage.apply(name);
            } catch (RuntimeException cannotSay) {
                line = CommandUsage.line(name, null);
            }
            return TerminalSafe.text(line);
        }
        return TerminalSafe.text(message(e));
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
