package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeException.Cause;
import dev.otto.api.opencode.OpenCodeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one HTTP client against a loopback server: every fault a network or a wrong server can
 * produce has its own {@link Cause} and a message naming the server and the request, and no
 * message ever holds the password.
 */
class OpenCodeHttpTest {

    static final Duration CONNECT = Duration.ofSeconds(1);
    static final Duration DEADLINE = Duration.ofSeconds(2);
    static final long MAX_BYTES = 64 * 1024;
    static final String PASSWORD = "pw-CANARY-5e1f0c2a9b";
    static final String TOKEN = Base64.getEncoder().encodeToString(("opencode:" + PASSWORD).getBytes(UTF_8));

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : cleanup) {
            closeable.close();
        }
    }

    private LoopbackServer server() throws IOException {
        LoopbackServer server = new LoopbackServer();
        cleanup.add(server);
        return server;
    }

    static Credentials password(String password) {
        return Credentials.fromEnvironment(name -> name.equals(Credentials.PASSWORD_ENV) ? password : null);
    }

    static Instant deadline() {
        return Instant.now().plus(DEADLINE);
    }

    /** One fault of the server on {@code /x}: the cause, the status and the message it must give. */
    enum Fault {
        REFUSED(Cause.REFUSED, 0, "connection refused (GET /x)"),
        NO_HEADERS(Cause.TIMED_OUT, 0, "timed out (GET /x)"),
        STALL_AFTER_HEADERS(Cause.TIMED_OUT, 0, "timed out (GET /x)"),
        TOO_LARGE(Cause.TOO_LARGE, 0, "answer too large (GET /x), more than " + MAX_BYTES + " bytes"),
        UNAUTHORIZED(Cause.UNAUTHORIZED, 401, "HTTP 401 (GET /x)"),
        FORBIDDEN(Cause.UNAUTHORIZED, 403, "HTTP 403 (GET /x)"),
        NOT_FOUND(Cause.HTTP_ERROR, 404, "HTTP 404 (GET /x)"),
        SERVER_ERROR(Cause.HTTP_ERROR, 500, "HTTP 500 (GET /x)"),
        REDIRECT(Cause.HTTP_ERROR, 302, "HTTP 302 (GET /x)"),
        CUT_BODY(Cause.IO, 0, "I/O failure (GET /x), IOException");

        final Cause cause;
        final int status;
        final String what;

        Fault(Cause cause, int status, String what) {
            this.cause = cause;
            this.status = status;
            this.what = what;
        }

        void inject(LoopbackServer server) {
            switch (this) {
                case REFUSED -> server.stop();
                case NO_HEADERS -> server.route("/x", (exchange, s) -> s.stall(4 * DEADLINE.toMillis()));
                case STALL_AFTER_HEADERS -> server.route("/x", (exchange, s) -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, 2000);
                    OutputStream out = exchange.getResponseBody();
                    out.write(new byte[1000]);
                    out.flush();
                    s.stall(4 * DEADLINE.toMillis()); // far past the client's deadline
                });
                case TOO_LARGE -> {
                    byte[] body = new byte[(int) MAX_BYTES + 1];
                    Arrays.fill(body, (byte) ' ');
                    server.route("/x", (exchange, s) -> LoopbackServer.send(exchange, 200, body));
                }
                case UNAUTHORIZED -> server.route("/x", LoopbackServer.status(401));
                case FORBIDDEN -> server.route("/x", LoopbackServer.status(403));
                case NOT_FOUND -> server.route("/x", LoopbackServer.status(404));
                case SERVER_ERROR -> server.route("/x", LoopbackServer.status(500));
                case REDIRECT -> server.route("/x", (exchange, s) -> {
                    exchange.getResponseHeaders().set("Location", s.url() + "/elsewhere");
                    exchange.sendResponseHeaders(302, -1);
                });
                case CUT_BODY -> server.route("/x", (exchange, s) -> {
                    exchange.sendResponseHeaders(200, 1000);
                    exchange.getResponseBody().write("{\"partial\":".getBytes(UTF_8));
                    exchange.getResponseBody().flush();
                    exchange.close(); // less than promised
                });
                default -> throw new AssertionError(this);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void eachFaultHasItsOwnCauseStatusAndMessage(Fault fault) throws Exception {
        LoopbackServer server = server();
        server.route("/x", LoopbackServer.ok("{\"ok\":true}"));
        OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, password(PASSWORD));
        assertThat(new String(http.send("GET", "/x", null, deadline(), MAX_BYTES).body(), UTF_8)).isEqualTo("{\"ok\":true}");

        fault.inject(server);
        long started = System.nanoTime();
        OpenCodeException e = catchThrowableOfType(() -> http.send("GET", "/x", null, deadline(), MAX_BYTES),
                OpenCodeException.class);

        assertThat(e).as("after %s", fault).isNotNull();
        assertThat(e.failureCause()).isEqualTo(fault.cause);
        assertThat(e.httpStatus()).isEqualTo(fault.status);
        assertThat(e.server()).isEqualTo(server.url());
        assertThat(e.getMessage()).isEqualTo("OpenCode at " + server.url() + ": " + fault.what);
        // a bound on behaviour: the deadline holds for headers and body alike
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE.plusSeconds(2));
        assertThat(server.hits("/elsewhere")).as("redirects are not followed").isZero();
    }

    @Test
    void aStalledBodyIsClosedWhenTheDeadlinePasses() throws Exception {
        LoopbackServer server = server();
        CountDownLatch clientGone = new CountDownLatch(1);
        server.route("/x", (exchange, s) -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            // keep writing a little: once the client has closed the connection, a write fails
            long until = System.nanoTime() + Await.LIMIT.toNanos();
            try {
                while (System.nanoTime() < until) {
                    out.write(' ');
                    out.flush();
                    s.stall(10);
                }
            } catch (IOException gone) {
                clientGone.countDown();
            }
        });
        OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, Credentials.none());

        OpenCodeException e = catchThrowableOfType(
                () -> http.send("GET", "/x", null, Instant.now().plusMillis(300), MAX_BYTES), OpenCodeException.class);

        assertThat(e.failureCause()).isEqualTo(Cause.TIMED_OUT);
        assertThat(clientGone.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the client closed the stalled body").isTrue();
    }

    @Test
    void unauthorizedWithoutAPasswordSaysSo() throws Exception {
        LoopbackServer server = server();
        server.route("/x", LoopbackServer.status(401));
        OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, Credentials.none());

        OpenCodeException e = catchThrowableOfType(() -> http.send("GET", "/x", null, deadline(), MAX_BYTES),
                OpenCodeException.class);

        assertThat(e.failureCause()).isEqualTo(Cause.UNAUTHORIZED);
        assertThat(e.getMessage()).isEqualTo("OpenCode at " + server.url()
                + ": HTTP 401 (GET /x), no password was given (OPENCODE_SERVER_PASSWORD)");
        assertThat(server.requests("/x")).singleElement().satisfies(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void aDeadlineAlreadyPassedSendsNothing() throws Exception {
        LoopbackServer server = server();
        server.route("/x", LoopbackServer.ok("{}"));
        OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, Credentials.none());

        OpenCodeException e = catchThrowableOfType(
                () -> http.send("GET", "/x?directory=/tmp", null, Instant.now().minusMillis(1), MAX_BYTES),
                OpenCodeException.class);

        assertThat(e.failureCause()).isEqualTo(Cause.TIMED_OUT);
        assertThat(e.getMessage()).isEqualTo("OpenCode at " + server.url() + ": timed out (GET /x), no time left before sending");
        assertThat(server.hits("/x")).isZero();
    }

    @Test
    void postSendsJsonAndDeleteSendsNothingAndBothCarryTheCredentials() throws Exception {
        LoopbackServer server = server();
        server.route("/session", (exchange, s) -> LoopbackServer.send(exchange, 200, "{\"id\":\"ses_1\"}"));
        server.route("/session/ses_1", (exchange, s) -> LoopbackServer.send(exchange, 200, "true"));
        OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, password(PASSWORD));

        OpenCodeResponse created = http.send("POST", "/session", "{\"title\":\"t\"}".getBytes(UTF_8), deadline(), MAX_BYTES);
        OpenCodeResponse deleted = http.send("DELETE", "/session/ses_1", null, deadline(), MAX_BYTES);

        assertThat(created.status()).isEqualTo(200);
        assertThat(new String(created.body(), UTF_8)).isEqualTo("{\"id\":\"ses_1\"}");
        assertThat(new String(deleted.body(), UTF_8)).isEqualTo("true");
        assertThat(server.requests()).extracting(LoopbackServer.Request::method, LoopbackServer.Request::path,
                LoopbackServer.Request::authorization, LoopbackServer.Request::contentType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("POST", "/session", "Basic " + TOKEN, "application/json"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "/session/ses_1", "Basic " + TOKEN, null));
        assertThat(new String(server.requests().get(0).body(), UTF_8)).isEqualTo("{\"title\":\"t\"}");
        assertThat(server.requests().get(1).body()).isEmpty();
    }

    @Test
    void anInterruptedCallerGetsInterruptedExceptionAndTheExchangeIsCancelled() throws Exception {
        // a raw socket, so that the test sees the client close the connection
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OpenCodeHttp http = new OpenCodeHttp(URI.create("http://127.0.0.1:" + listener.getLocalPort()), CONNECT,
                    Credentials.none());
            AtomicReference<Thread> caller = new AtomicReference<>();
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                caller.set(Thread.currentThread());
                try {
                    http.send("GET", "/x", null, Instant.now().plus(Await.LIMIT), MAX_BYTES);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            try (Socket accepted = listener.accept()) {
                accepted.setSoTimeout((int) Await.LIMIT.toMillis());
                InputStream in = accepted.getInputStream();
                readRequestHead(in);
                caller.get().interrupt();

                assertThat(outcome.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
                assertThat(in.read()).as("the client closed the connection").isEqualTo(-1);
            }
        }
    }

    @Test
    void thePasswordIsSentAsBasicAuthAndNeverShown() throws Exception {
        List<String> texts = new ArrayList<>();
        for (Fault fault : Fault.values()) {
            LoopbackServer server = server();
            server.route("/x", LoopbackServer.ok("{}"));
            OpenCodeHttp http = new OpenCodeHttp(server.url(), CONNECT, password(PASSWORD));
            http.send("GET", "/x", null, deadline(), MAX_BYTES);
            assertThat(server.requests("/x")).singleElement().satisfies(r -> assertThat(r.authorization()).isEqualTo("Basic " + TOKEN));
            fault.inject(server);
            OpenCodeException e = catchThrowableOfType(() -> http.send("GET", "/x", null, deadline(), MAX_BYTES),
                    OpenCodeException.class);
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(String.valueOf(t.getMessage()));
                texts.add(t.toString());
            }
        }
        texts.add(password(PASSWORD).toString());
        assertThat(texts).hasSizeGreaterThan(Fault.values().length)
                .allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD).doesNotContain(TOKEN));
    }

    @Test
    void aPathMustBeAbsolute() {
        OpenCodeHttp http = new OpenCodeHttp(URI.create("http://127.0.0.1:1"), CONNECT, Credentials.none());
        assertThatThrownBy(() -> http.send("GET", "config", null, deadline(), MAX_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(UTF_8);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended early");
            }
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }
}
