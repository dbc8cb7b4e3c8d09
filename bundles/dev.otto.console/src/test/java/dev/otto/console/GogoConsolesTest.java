package dev.otto.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.runtime.ConsoleWire;

/** Real Gogo and a real JLine terminal fed as a client's keystrokes would be. */
class GogoConsolesTest {

    @TempDir
    Path folder;

    /** One for the class: it replaces System.out while it runs, and a second start would refuse. */
    private static final ThreadIOImpl THREAD_IO = new ThreadIOImpl();
    private final CountDownLatch waiting = new CountDownLatch(1);
    private CommandProcessorImpl processor;
    private GogoConsoles consoles;
    private final List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Log log = new Log() {
        @Override
        public void info(String message) {
            logged.add(message);
        }

        @Override
        public void warn(String message) {
            logged.add(message);
        }
    };

    /** Commands shaped like Otto's: one prints as it goes and returns text, one fails, one waits. */
    public final class Commands {
        @Descriptor("greet")
        public String hello(@Parameter(names = "--loud", presentValue = "true", absentValue = "false") boolean loud,
                String name) {
            System.out.println("greeting " + name);
            return loud ? "HELLO " + name : "hello " + name;
        }

        public String say(String text) {
            return text;
        }

        public String refuse(String text) {
            throw new IllegalArgumentException("no job named " + text);
        }

        public String broken() {
            throw new IllegalStateException("nothing works here");
        }

        public String hang() throws InterruptedException {
            waiting.countDown();
            Thread.sleep(60_000);
            return "woke up";
        }
    }

    @BeforeAll
    static void startThreadIo() {
        THREAD_IO.start();
    }

    @AfterAll
    static void stopThreadIo() {
        THREAD_IO.stop();
    }

    @BeforeEach
    void gogo() {
        processor = new CommandProcessorImpl(THREAD_IO);
        Commands commands = new Commands();
        for (String function : List.of("hello", "broken", "hang", "say", "refuse")) {
            processor.addCommand("otto", commands, function);
        }
        consoles = new GogoConsoles(processor, folder.resolve("console.history"), null,
                () -> Map.of("otto:hello", CommandFlags.of(Commands.class, "hello")),
                name -> CommandUsage.line("otto:hello", CommandUsage.takes("otto:hello", Commands.class, "hello")), log);
    }

    @Test
    void aScriptPrintsResultsAndOutputAndFailsWithOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Consoles.Script script = consoles.script(out, err)) {
            assertThat(script.run("otto:hello --loud café")).isEqualTo(ConsoleWire.OK);
            assertThat(script.run("otto:broken")).isEqualTo(ConsoleWire.FAILED);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("greeting café\nHELLO café\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("otto: 'otto:broken' failed: nothing works here\n");
    }

    @Test
    void argumentsACommandDoesNotTakeGetOneLineSayingWhatItTakesAndGogosWordsGoToTheLog() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Consoles.Script script = consoles.script(OutputStream.nullOutputStream(), err)) {
            assertThat(script.run("otto:hello --loud")).isEqualTo(ConsoleWire.FAILED);
            assertThat(script.run("otto:hello a b c")).isEqualTo(ConsoleWire.FAILED);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "otto: 'otto:hello --loud' failed: otto:hello takes [--loud] <text>; see: help otto:hello\n"
                        + "otto: 'otto:hello a b c' failed: otto:hello takes [--loud] <text>; see: help otto:hello\n");
        assertThat(logged).anyMatch(line -> line.contains("Cannot coerce"));
    }

    @Test
    void escapeSequencesAndBidiControlsInResultsAndFailuresAreShownNotObeyed() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Consoles.Script script = consoles.script(out, err)) {
            assertThat(script.run("otto:say \"red\u001b[31m rtl\u202egnp.exe\"")).isEqualTo(ConsoleWire.OK);
            assertThat(script.run("otto:refuse \"x\u001b]0;owned\u0007\"")).isEqualTo(ConsoleWire.FAILED);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("red\\u001b[31m rtl\\u202egnp.exe\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("\u001b", "\u0007")
                .endsWith("failed: no job named x\\u001b]0;owned\\u0007\n");
    }

    @Test
    void anInterruptedScriptCommandSaysSo() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Consoles.Script script = consoles.script(OutputStream.nullOutputStream(), err)) {
            CompletableFuture<Integer> status = new CompletableFuture<>();
            Thread worker = new Thread(() -> status.complete(script.run("otto:hang")), "script");
            worker.start();
            assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
            worker.interrupt();
            assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(ConsoleWire.INTERRUPTED);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("otto: 'otto:hang' interrupted\n");
    }

    @Test
    void aConsoleCompletesRunsLinesPrintsOneLineFailuresCancelsWithCtrlCAndKeepsAnOwnerOnlyHistory() throws Exception {
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        ExternalTerminal terminal = new ExternalTerminal(null, "test", "xterm", InputStream.nullInputStream(),
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        synchronized (screen) {
                            screen.write(b);
                        }
                    }
                }, StandardCharsets.UTF_8, Terminal.SignalHandler.SIG_DFL, true, null, new Size(80, 24));
        CompletableFuture<Void> console = CompletableFuture.runAsync(() -> {
            try {
                consoles.interact(terminal);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        terminal.processInputBytes("otto:hel\t日本\r".getBytes(StandardCharsets.UTF_8)); // Tab completes the command
        terminal.processInputBytes("otto:hello --lo\tx\r".getBytes(StandardCharsets.UTF_8)); // ... and its flag
        terminal.processInputBytes("otto:broken\r".getBytes(StandardCharsets.UTF_8));
        terminal.processInputBytes("otto:hello --loud\r".getBytes(StandardCharsets.UTF_8));
        terminal.processInputBytes("otto:say \"a\u202eb\"\r".getBytes(StandardCharsets.UTF_8));
        terminal.processInputBytes("otto:hang\r".getBytes(StandardCharsets.UTF_8));
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        terminal.processInputBytes(new byte[] { 3 }); // Ctrl-C
        terminal.processInputBytes("exit\r".getBytes(StandardCharsets.UTF_8));
        console.get(30, TimeUnit.SECONDS);
        String text;
        synchronized (screen) {
            text = screen.toString(StandardCharsets.UTF_8);
        }
        assertThat(text).contains("greeting 日本", "hello 日本", "HELLO x", "otto: nothing works here", "otto: interrupted",
                "otto: otto:hello takes [--loud] <text>; see: help otto:hello", "a\\u202eb")
                .doesNotContain("IllegalStateException", "woke up", "Cannot coerce");
        Path history = folder.resolve("console.history");
        assertThat(Files.readAllLines(history)).anyMatch(line -> line.endsWith("otto:hello 日本"))
                .anyMatch(line -> line.endsWith("exit"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history))).isEqualTo("rw-------");
    }
}
