package dev.otto.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.ConsoleWire.Frame;

/** The socket side over a real Unix domain socket, with scripted sessions that say what they were given. */
class ConsoleEndpointTest {

    @TempDir
    Path folder;

    private final List<String> logged = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch blocking = new CountDownLatch(1);
    private ConsoleEndpoint endpoint;

    /** 'echo x' prints x; 'fail' fails with its line; 'block' waits until interrupted. */
    private final Consoles consoles = new Consoles() {
        @Override
        public Script script(OutputStream out, OutputStream err) {
            PrintStream outText = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errText = new PrintStream(err, true, StandardCharsets.UTF_8);
            return new Script() {
                @Override
                public int run(String command) {
                    if (command.startsWith("echo ")) {
                        outText.println(command.substring(5));
                        return ConsoleWire.OK;
                    }
                    if (command.equals("block")) {
                        blocking.countDown();
                        try {
                            Thread.sleep(60_000);
                            return ConsoleWire.OK;
                        } catch (InterruptedException e) {
                            return ConsoleWire.INTERRUPTED;
                        }
                    }
                    errText.println("otto: '" + command + "' failed: no such thing");
                    return ConsoleWire.FAILED;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void interact(Terminal terminal) {
            throw new UnsupportedOperationException("not in this test");
        }
    };

    private Log log() {
        return new Log() {
            @Override
            public void info(String message) {
                logged.add("INFO " + message);
            }

            @Override
            public void warn(String message) {
                logged.add("WARN " + message);
            }
        };
    }

    private ConsoleEndpoint open() throws IOException {
        endpoint = new ConsoleEndpoint(folder.resolve("otto.sock"), consoles, stopped::countDown, log());
        return endpoint;
    }

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** One client connection. */
    private final class Client implements AutoCloseable {
        final SocketChannel channel;
        final DataInputStream in;
        final DataOutputStream out;

        Client(String hello) throws IOException {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(folder.resolve("otto.sock")));
            in = ConsoleWire.input(channel);
            out = ConsoleWire.output(channel);
            ConsoleWire.write(out, ConsoleWire.HELLO, hello);
        }

        /** Sends a command; returns what came back, ending with "exit N". */
        List<String> command(String command) throws IOException {
            ConsoleWire.write(out, ConsoleWire.COMMAND, command);
            return untilExit();
        }

        List<String> untilExit() throws IOException {
            List<String> frames = new ArrayList<>();
            for (Frame frame; (frame = ConsoleWire.read(in)) != null;) {
                if (frame.kind() == ConsoleWire.EXIT) {
                    frames.add("exit " + frame.text());
                    return frames;
                }
                frames.add((char) frame.kind() + " " + frame.text().strip());
            }
            frames.add("closed");
            return frames;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Test
    void commandsRunInOrderWithTheirOutputAndStatus() throws Exception {
        open();
        try (Client client = new Client(ConsoleWire.PROTOCOL + " run")) {
            assertThat(client.command("echo café日本")).containsExactly("O café日本", "exit 0");
            assertThat(client.command("nope")).containsExactly("E otto: 'nope' failed: no such thing", "exit 1");
            assertThat(client.command("echo still here")).containsExactly("O still here", "exit 0");
        }
    }

    @Test
    void anInterruptEndsTheRunningCommandOnly() throws Exception {
        open();
        try (Client client = new Client(ConsoleWire.PROTOCOL + " run")) {
            ConsoleWire.write(client.out, ConsoleWire.COMMAND, "block");
            assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();
            ConsoleWire.write(client.out, ConsoleWire.INTERRUPT, "");
            assertThat(client.untilExit()).containsExactly("exit 130");
            assertThat(client.command("echo after")).containsExactly("O after", "exit 0");
        }
    }

    @Test
    void twoClientsAtOnceEachHaveTheirOwnSession() throws Exception {
        open();
        try (Client first = new Client(ConsoleWire.PROTOCOL + " run"); Client second = new Client(ConsoleWire.PROTOCOL + " run")) {
            assertThat(second.command("echo two")).containsExactly("O two", "exit 0");
            assertThat(first.command("echo one")).containsExactly("O one", "exit 0");
        }
    }

    @Test
    void theSocketIsOwnerOnlyAndGoesWhenTheEndpointCloses() throws Exception {
        open();
        Path socket = folder.resolve("otto.sock");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        endpoint.close();
        endpoint = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void aSocketLeftByAKilledProcessIsReplacedAndALiveOneIsNot() throws Exception {
        Path socket = folder.resolve("otto.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close(); // the file stays, as after kill -9
        assertThat(socket).exists();
        open();
        try (Client client = new Client(ConsoleWire.PROTOCOL + " run")) {
            assertThat(client.command("echo replaced")).containsExactly("O replaced", "exit 0");
        }
        assertThatThrownBy(() -> new ConsoleEndpoint(socket, consoles, () -> { }, log()))
                .isInstanceOf(IOException.class).hasMessageContaining("another running Otto serves " + socket);
    }

    @Test
    void anotherProtocolOrRequestIsRefusedWithOneLine() throws Exception {
        open();
        try (Client client = new Client("otto-console/0 run")) {
            assertThat(client.untilExit()).containsExactly(
                    "E otto: this client speaks another protocol than otto-console/1; use the bin/otto of the Otto that runs",
                    "exit 2");
        }
        try (Client client = new Client(ConsoleWire.PROTOCOL + " dance")) {
            assertThat(client.untilExit()).containsExactly("E otto: unknown request 'dance'", "exit 2");
        }
    }

    @Test
    void stopSaysWhichProcessStopsAndStopsIt() throws Exception {
        open();
        try (Client client = new Client(ConsoleWire.PROTOCOL + " stop")) {
            Frame pid = ConsoleWire.read(client.in);
            assertThat(pid.kind()).isEqualTo(ConsoleWire.PID);
            assertThat(Long.parseLong(pid.text())).isEqualTo(ProcessHandle.current().pid());
        }
        assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(logged).contains("INFO stopping Otto: asked on the console socket");
    }

    @Test
    void framesSurviveTheWireWholeAndOversizedOnesAreRejected() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        ConsoleWire.write(out, ConsoleWire.OUT, "日本");
        ConsoleWire.write(out, ConsoleWire.EXIT, "0");
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        assertThat(ConsoleWire.read(in).text()).isEqualTo("日本");
        assertThat(ConsoleWire.read(in).kind()).isEqualTo(ConsoleWire.EXIT);
        assertThat(ConsoleWire.read(in)).as("end of stream between frames").isNull();

        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        new DataOutputStream(huge).writeByte(ConsoleWire.OUT);
        new DataOutputStream(huge).writeInt(ConsoleWire.MAX_FRAME + 1);
        assertThatThrownBy(() -> ConsoleWire.read(new DataInputStream(new java.io.ByteArrayInputStream(huge.toByteArray()))))
                .isInstanceOf(IOException.class).hasMessageContaining("at most");
    }
}
