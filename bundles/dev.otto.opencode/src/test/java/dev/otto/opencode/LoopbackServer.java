package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network peer of the unit tests: a loopback HTTP server (127.0.0.1 only) whose answers the
 * test sets per path, and whose {@code /event} speaks server-sent events with one {@link Peer} per
 * connection that the test writes to. It is not an imitation of OpenCode: it sends what the test
 * tells it to, and the faults a network can produce; the real server is tried in
 * {@link RealOpenCodeTest} and in itest.
 */
final class LoopbackServer implements AutoCloseable {

    /** Answers one request; may block (a stall) until {@link #close()}. */
    interface Handler {
        void handle(HttpExchange exchange, LoopbackServer server) throws IOException, InterruptedException;
    }

    /** One request as received. */
    record Request(String method, String path, String authorization, String contentType, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "loopback-server");
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Peer> streams = new LinkedBlockingQueue<>();
    private volatile int eventStatus = 200;
    private volatile String eventContentType = "text/event-stream";
    private volatile CountDownLatch eventHold;
    private volatile boolean stopped;

    LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor); // the default runs handlers one at a time: a stall would block the rest
        server.createContext("/", this::handle);
        routes.put(EventStream.PATH, LoopbackServer::eventStream);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void route(String path, Handler handler) {
        routes.put(path, handler);
    }

    int hits(String path) {
        AtomicInteger count = hits.get(path);
        return count == null ? 0 : count.get();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The status {@code /event} answers with; anything but 200 ends the exchange at once. */
    void eventStatus(int status) {
        eventStatus = status;
    }

    void eventContentType(String type) {
        eventContentType = type;
    }

    /** New {@code /event} connections wait for this latch before their headers; null to stop holding. */
    void holdEvents(CountDownLatch hold) {
        eventHold = hold;
    }

    /** The next {@code /event} connection that got its headers; fails after {@link Await#LIMIT}. */
    Peer nextStream() throws InterruptedException {
        Peer peer = streams.poll(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (peer == null) {
            throw new AssertionError("no event stream connection within " + Await.LIMIT);
        }
        return peer;
    }

    /** Event stream connections received so far that nobody took with {@link #nextStream()}. */
    int waitingStreams() {
        return streams.size();
    }

    /** Stops listening: the port refuses connections from now on. */
    void stop() {
        if (!stopped) {
            stopped = true;
            closing.countDown();
            server.stop(0);
        }
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    /** Holds the calling handler until the server closes, or {@code limitMillis} at most. */
    void stall(long limitMillis) throws InterruptedException {
        closing.await(limitMillis, TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Handler handler = routes.get(path);
            if (handler == null) {
                send(exchange, 404, "{\"error\":\"not found\"}");
            } else {
                handler.handle(exchange, this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (a timed-out or cancelled call): nothing to answer
        }
    }

    private static void eventStream(HttpExchange exchange, LoopbackServer server) throws IOException, InterruptedException {
        CountDownLatch hold = server.eventHold;
        if (hold != null) {
            hold.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (server.eventStatus != 200) {
            send(exchange, server.eventStatus, "{\"error\":\"no\"}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", server.eventContentType);
        exchange.sendResponseHeaders(200, 0); // chunked: no end
        Peer peer = new Peer(exchange.getResponseBody());
        server.streams.add(peer);
        // until the test ends this stream or the server closes
        while (!peer.ended.await(20, TimeUnit.MILLISECONDS) && server.closing.getCount() > 0) {
            // waiting
        }
    }

    static Handler ok(String json) {
        return (exchange, server) -> send(exchange, 200, json);
    }

    static Handler status(int status) {
        return (exchange, server) -> send(exchange, status, "{\"error\":\"boom\"}");
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, body.getBytes(UTF_8));
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The server side of one event stream connection. */
    static final class Peer {
        private final OutputStream out;
        private final CountDownLatch ended = new CountDownLatch(1);

        Peer(OutputStream out) {
            this.out = out;
        }

        /** Sends one event: {@code data: <json>} and a blank line. */
        void event(String json) throws IOException {
            write("data: " + json + "\n\n");
        }

        synchronized void write(String raw) throws IOException {
            out.write(raw.getBytes(UTF_8));
            out.flush();
        }

        /** Ends the stream (the server closes the response). */
        void end() {
            ended.countDown();
        }

        /** Writes comments until the client has gone; fails if it is still there after {@link Await#LIMIT}. */
        void awaitClientGone() throws InterruptedException {
            Await.until("the client closed the event stream", () -> {
                try {
                    write(": still there?\n\n");
                    return false;
                } catch (IOException gone) {
                    return true;
                }
            });
        }
    }
}
