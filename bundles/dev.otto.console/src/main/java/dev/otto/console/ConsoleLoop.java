package dev.otto.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.apache.felix.gogo.jline.Expander;
import org.apache.felix.gogo.jline.Highlighter;
import org.apache.felix.gogo.jline.ParsedLineImpl;
import org.apache.felix.gogo.jline.Parser;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Job;
import org.jline.builtins.Completers;
import org.jline.builtins.Completers.CompletionData;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

import dev.otto.support.text.TerminalSafe;

/**
 * One interactive console: read a line with JLine (editing, history, completion of commands and
 * their flags, gogo.jline's parser and highlighting), run it in the Gogo session, print the result.
 *
 * <p>Not gogo.jline's own shell loop, for what an operator sees: a failure prints one line,
 * {@code otto: <message>}, never an exception's class or stack trace (the log file has those), and
 * for arguments a command does not take, what it takes; results and failures are printed through
 * {@link TerminalSafe#text}, so nothing a command returns can drive the terminal;
 * {@code exit} and Ctrl-D leave the console without stopping Otto; Ctrl-C at the prompt clears the
 * line and while a command runs interrupts that command, never the runtime.
 */
final class ConsoleLoop {

    private final CommandSession session;
    private final Terminal terminal;
    private final Path history;
    private final Map<String, List<CompletionData>> completions;
    private final Path profile;
    private final BiFunction<String, Throwable, String> failure;
    private final AtomicBoolean leaving = new AtomicBoolean();

    /** @param failure a command line and how it failed to the (escaped) line the operator reads */
    ConsoleLoop(CommandSession session, Terminal terminal, Path history, Map<String, List<CompletionData>> completions,
            Path profile, BiFunction<String, Throwable, String> failure) {
        this.failure = failure;
        this.session = session;
        this.terminal = terminal;
        this.history = history;
        this.completions = completions;
        this.profile = profile;
    }

    void run() {
        ownerOnly(history);
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("otto")
                .variable(LineReader.HISTORY_FILE, history)
                .completer(new Completers.Completer(new Environment()))
                .highlighter(new Highlighter(session))
                .parser(new Parser())
                .expander(new Expander(session))
                .build();
        reader.setOpt(LineReader.Option.AUTO_FRESH_LINE);
        session.put(Shell.VAR_TERMINAL, terminal);
        session.put(Shell.VAR_READER, reader);
        session.put(Shell.VAR_COMPLETIONS, completions);
        session.put(Shell.VAR_PROMPT, "otto> "); // etc/gosh_profile may set another
        session.put("exit", (Function) (s, arguments) -> {
            leaving.set(true);
            return null;
        });
        runProfile();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> {
            Job job = session.foregroundJob();
            if (job != null) {
                job.interrupt();
            }
        });
        try {
            while (!leaving.get()) {
                try {
                    reader.readLine(Shell.getPrompt(session));
                } catch (UserInterruptException clearedTheLine) {
                    continue;
                } catch (EndOfFileException | java.io.IOError endOfInput) {
                    break; // Ctrl-D, the end of piped input, or the terminal closed under us
                }
                ParsedLine line = reader.getParsedLine();
                if (line instanceof ParsedLineImpl) {
                    execute(((ParsedLineImpl) line).program());
                }
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            try {
                reader.getHistory().save();
            } catch (IOException e) {
                fail("the console history could not be saved to " + history + ": " + TerminalSafe.text(e.getMessage()));
            }
        }
    }

    /** The history holds what operators typed, prompts included: the owner's alone, like the data folder. */
    private void ownerOnly(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            fail("the console history " + file + " cannot be made owner-only: " + e.getMessage());
        }
    }

    private void runProfile() {
        if (profile == null || !Files.isRegularFile(profile)) {
            return;
        }
        try {
            session.put("0", profile.toUri());
            session.execute(Files.readString(profile));
        } catch (Exception e) {
            fail(TerminalSafe.text(profile.toString()) + ": " + failure.apply("", e));
        } finally {
            session.put("0", null);
        }
    }

    private void execute(CharSequence program) {
        try {
            Object result = session.execute(program);
            session.put(Shell.VAR_RESULT, result);
            if (result != null) {
                terminal.writer().println(TerminalSafe.text(String.valueOf(session.format(result, Converter.INSPECT))));
            }
        } catch (Exception e) {
            session.put(Shell.VAR_EXCEPTION, e);
            boolean interrupted = Thread.interrupted(); // an interrupt was for that command only
            fail(interrupted || GogoConsoles.wasInterrupted(e) ? "interrupted" : failure.apply(program.toString(), e));
        }
        terminal.flush();
    }

    private void fail(String message) {
        terminal.writer().println(new AttributedString("otto: " + message,
                AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)).toAnsi(terminal));
        terminal.flush();
    }

    /** What JLine's command completer asks: the commands, their flags, how names resolve. */
    private final class Environment implements Completers.CompletionEnvironment {
        @Override
        public Map<String, List<CompletionData>> getCompletions() {
            return completions;
        }

        @Override
        public Set<String> getCommands() {
            return Shell.getCommands(session);
        }

        @Override
        public String resolveCommand(String command) {
            return Shell.resolve(session, command);
        }

        @Override
        public String commandName(String command) {
            int colon = command.indexOf(':');
            return colon >= 0 ? command.substring(colon + 1) : command;
        }

        @Override
        public Object evaluate(LineReader reader, ParsedLine line, String function) throws Exception {
            session.put(Shell.VAR_COMMAND_LINE, line);
            return session.execute(function);
        }
    }
}
