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

    /** Commands shaped like Otto's: one prints as it goes and returns text, one fails, one waits. */
    public final class Commands {
        @Descriptor("greet")
        public String hello(@Parameter(names = "--loud", presentValue = "true", absentValue = "false") boolean loud,
                String name) {
            System.out.println("greeting " + name);
            return loud ? "HELLO " + name : "hello " + name;
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
        for (String function : List.of("hello", "broken", "hang")) {
            processor.addCommand("otto", commands, function);
        }
        consoles = new GogoConsoles(processor, folder.resolve("console.history"), null,
                () -> Map.of("otto:hello", CommandFlags.of(Commands.class, "hello")));
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
        terminal.processInputBytes("otto:hang\r".getBytes(StandardCharsets.UTF_8));
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        terminal.processInputBytes(new byte[] { 3 }); // Ctrl-C
        terminal.processInputBytes("exit\r".getBytes(StandardCharsets.UTF_8));
        console.get(30, TimeUnit.SECONDS);
        String text;
        synchronized (screen) {
            text = screen.toString(StandardCharsets.UTF_8);
        }
        assertThat(text).contains("greeting 日本", "hello 日本", "HELLO x", "otto: nothing works here", "otto: interrupted")
                .doesNotContain("IllegalStateException", "woke up");
        Path history = folder.resolve("console.history");
        assertThat(Files.readAllLines(history)).anyMatch(line -> line.endsWith("otto:hello 日本"))
                .anyMatch(line -> line.endsWith("exit"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history))).isEqualTo("rw-------");
    }
}
