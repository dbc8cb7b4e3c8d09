package dev.otto.console;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.otto.api.runtime.ConsoleWire;
import dev.otto.api.runtime.ConsoleWire.Frame;

/**
 * Serves the console socket of a running Otto: accepts connections on {@code <data>/otto.sock},
 * lets in only the user Otto runs as (and root), and hands each connection to a {@link Connection}
 * on a thread of its own.
 *
 * <p>The socket is created owner-only (0600) in a folder the launcher keeps owner-only; the peer's
 * credentials ({@code SO_PEERCRED}) are checked as well, so a looser folder does not let another
 * user in. A socket file left by a process that was killed answers no connection; it is replaced.
 * A socket that does answer belongs to another live Otto: this one then serves none and says so.
 */
final class ConsoleEndpoint implements Closeable {

    /** More connections at once than an operator's terminals and scripts need; beyond it, refused. */
    static final int MAX_CONNECTIONS = 32;

    private final Path socket;
    private final Consoles consoles;
    private final Runnable stopOtto;
    private final Log log;
    private final PeerCheck peers;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Binds the socket and starts accepting.
     *
     * @param socket where the socket lives
     * @param consoles what a connection talks to
     * @param stopOtto stops the whole runtime gracefully (the {@code stop} request); called on a
     *            thread of its own
     * @param log where refusals and failures are reported
     * @throws IOException when the socket cannot be created; the message says where and why
     */
    ConsoleEndpoint(Path socket, Consoles consoles, Runnable stopOtto, Log log) throws IOException {
        this.socket = socket;
        this.consoles = consoles;
        this.stopOtto = stopOtto;
        this.log = log;
        this.server = bind(socket);
        this.peers = PeerCheck.forOwnerOf(socket);
        this.acceptor = new Thread(this::accept, "otto-console-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("another running Otto serves " + socket + "; stop it first ('bin/otto stop')");
            }
            Files.delete(socket); // left by a process that was killed
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw new IOException("cannot create the console socket " + socket + ": " + e.getMessage()
                    + (socket.toString().length() > 100 ? " (a socket path may be at most 107 bytes long;"
                            + " use a shorter OTTO_DATA_DIR)" : ""), e);
        }
        return server;
    }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void accept() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.warn("the console socket " + socket + " stopped accepting: " + e.getMessage());
                }
                return;
            }
            int id = counter.incrementAndGet();
            Thread thread = new Thread(() -> serve(channel, id), "otto-console-" + id);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(SocketChannel channel, int id) {
        try (channel) {
            DataInputStream in = ConsoleWire.input(channel);
            DataOutputStream out = ConsoleWire.output(channel);
            UserPrincipal peer = peers.peerOf(channel);
            if (!peers.allowed(peer)) {
                log.warn("refused a console connection from user " + peer.getName() + ": only " + peers.who() + " may attach");
                refuse(out, "this Otto runs as " + peers.owner().getName() + "; only " + peers.who() + " may attach");
                return;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                refuse(out, MAX_CONNECTIONS + " consoles are attached already; close one first");
                return;
            }
            Frame hello = ConsoleWire.read(in);
            String prefix = ConsoleWire.PROTOCOL + " ";
            if (hello == null || hello.kind() != ConsoleWire.HELLO || !hello.text().startsWith(prefix)) {
                refuse(out, "this client speaks another protocol than " + ConsoleWire.PROTOCOL
                        + "; use the bin/otto of the Otto that runs");
                return;
            }
            String request = hello.text().substring(prefix.length());
            if (request.equals("stop")) {
                stop(out);
                return;
            }
            Connection connection = Connection.open(request, in, out, consoles);
            if (connection == null) {
                refuse(out, "unknown request '" + request + "'");
                return;
            }
            open.add(connection);
            try {
                connection.serve();
            } finally {
                open.remove(connection);
                connection.close();
            }
        } catch (IOException e) {
            if (!closed) {
                log.info("console connection " + id + " ended: " + e.getMessage());
            }
        }
    }

    private void stop(DataOutputStream out) throws IOException {
        log.info("stopping Otto: asked on the console socket");
        ConsoleWire.write(out, ConsoleWire.PID, Long.toString(ProcessHandle.current().pid()));
        Thread stopper = new Thread(stopOtto, "otto-console-stop");
        stopper.start();
    }

    private static void refuse(DataOutputStream out, String why) throws IOException {
        ConsoleWire.write(out, ConsoleWire.ERR, "otto: " + why + System.lineSeparator());
        ConsoleWire.write(out, ConsoleWire.EXIT, Integer.toString(ConsoleWire.REFUSED));
    }

    /** Stops accepting, ends every connection and removes the socket file. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.info("closing the console socket: " + e.getMessage());
        }
        for (Connection connection : open) {
            connection.close();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.info("removing " + socket + ": " + e.getMessage());
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
