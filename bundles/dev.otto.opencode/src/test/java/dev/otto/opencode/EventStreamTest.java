package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otto.api.opencode.OpenCodeEvent;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one event stream against a loopback server that speaks server-sent events: demultiplexing
 * by session, GAPs on every connect, loss and overflow, reconnects with backoff, a URL change, and
 * stopping.
 */
class EventStreamTest {

    /** Short limits so that reconnects take milliseconds; the heartbeat limit is what the silence test waits out. */
    static final EventStream.Timing FAST = new EventStream.Timing(Duration.ofMillis(10), Duration.ofMillis(80),
            Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMillis(400), Duration.ofSeconds(5));
    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingLog log = new RecordingLog();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private LoopbackServer server() throws Exception {
        LoopbackServer server = new LoopbackServer();
        cleanup.add(server);
        return server;
    }

    private ServerConnection connection(LoopbackServer server, Credentials credentials, int capacity) {
        ServerConnection connection = new ServerConnection(server.url(), Duration.ofSeconds(1), credentials, null,
                capacity, FAST, log);
        cleanup.add(connection);
        connection.start();
        return connection;
    }

    private ServerConnection connected(LoopbackServer server) throws Exception {
        ServerConnection connection = connection(server, Credentials.none(), Subscriptions.DEFAULT_CAPACITY);
        Await.until("the stream is connected", () -> connection.status().eventsConnected());
        return connection;
    }

    static String event(String type, String sessionId, String n) {
        return "{\"id\":\"evt_" + n + "\",\"type\":\"" + type + "\",\"properties\":{\"sessionID\":\"" + sessionId
                + "\",\"n\":\"" + n + "\"}}";
    }

    static OpenCodeEvent next(SessionEvents events) throws InterruptedException {
        OpenCodeEvent event = events.next(WAIT);
        assertThat(event).as("an event within %s", WAIT).isNotNull();
        return event;
    }

    static String reason(OpenCodeEvent gap) throws Exception {
        assertThat(gap.type()).isEqualTo(SessionEvents.GAP);
        JsonNode json = JSON.readTree(gap.json());
        assertThat(json.path("type").asText()).isEqualTo(SessionEvents.GAP);
        assertThat(json.path("properties").path("sessionID").asText()).isEqualTo(gap.sessionId());
        return json.path("properties").path("reason").asText();
    }

    @Test
    void eachSessionGetsItsOwnEventsInOrderAndNothingElse() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer stream = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        SessionEvents b = connection.subscribe("ses_b");

        List<String> sent = List.of(event("session.status", "ses_a", "1"), event("session.status", "ses_b", "2"),
                event("message.updated", "ses_c", "3"), event("message.part.delta", "ses_a", "4"),
                "{\"id\":\"evt_5\",\"type\":\"server.heartbeat\",\"properties\":{}}", event("session.idle", "ses_a", "6"),
                event("session.idle", "ses_b", "7"));
        for (String json : sent) {
            stream.event(json);
        }

        assertThat(List.of(next(a), next(a), next(a))).extracting(OpenCodeEvent::type, OpenCodeEvent::sessionId, OpenCodeEvent::json)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("session.status", "ses_a", sent.get(0)),
                        org.assertj.core.groups.Tuple.tuple("message.part.delta", "ses_a", sent.get(3)),
                        org.assertj.core.groups.Tuple.tuple("session.idle", "ses_a", sent.get(5)));
        assertThat(List.of(next(b), next(b))).extracting(OpenCodeEvent::json).containsExactly(sent.get(1), sent.get(6));
        assertThat(a.next(Duration.ofMillis(50))).isNull();
        assertThat(b.next(Duration.ofMillis(50))).isNull();
        assertThat(a.live()).isTrue();
        assertThat(connection.status().subscriptions()).isEqualTo(2);
    }

    @Test
    void theSessionIdIsFoundInTheMessageOrPartWhenNotAtTheTop() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer stream = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");

        String message = "{\"type\":\"message.updated\",\"properties\":{\"info\":{\"id\":\"msg_1\",\"sessionID\":\"ses_a\"}}}";
        String part = "{\"type\":\"message.part.updated\",\"properties\":{\"part\":{\"id\":\"prt_1\",\"sessionID\":\"ses_a\"},\"time\":1}}";
        // the top-level id wins over a nested one
        String both = "{\"properties\":{\"info\":{\"sessionID\":\"ses_b\"},\"sessionID\":\"ses_a\"},\"type\":\"message.updated\"}";
        String other = "{\"type\":\"message.updated\",\"properties\":{\"sessionID\":\"ses_b\",\"info\":{\"sessionID\":\"ses_a\"}}}";
        stream.event(message);
        stream.event(part);
        stream.event(other);
        stream.event(both);

        assertThat(List.of(next(a), next(a), next(a))).extracting(OpenCodeEvent::json).containsExactly(message, part, both);
        assertThat(a.next(Duration.ofMillis(50))).isNull();
    }

    @Test
    void aDroppedStreamReconnectsAndEverySubscriptionGetsAGapAndLiveTellsTheTruth() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer first = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        SessionEvents b = connection.subscribe("ses_b");
        CountDownLatch hold = new CountDownLatch(1);
        server.holdEvents(hold); // the reconnect waits for its headers until the test lets it

        first.end();

        assertThat(reason(next(a))).isEqualTo("disconnected");
        assertThat(reason(next(b))).isEqualTo("disconnected");
        assertThat(a.live()).isFalse();
        assertThat(b.live()).isFalse();
        OpenCodeStatus down = connection.status();
        assertThat(down.eventsConnected()).isFalse();
        assertThat(down.lastError()).isEqualTo("OpenCode at " + server.url() + " ended the event stream");
        Await.until("the reconnect reached the server", () -> server.hits(EventStream.PATH) >= 2);

        hold.countDown();
        LoopbackServer.Peer second = server.nextStream();

        assertThat(reason(next(a))).isEqualTo("connected");
        assertThat(reason(next(b))).isEqualTo("connected");
        assertThat(a.live()).isTrue();
        OpenCodeStatus up = connection.status();
        assertThat(up.eventsConnected()).isTrue();
        assertThat(up.reconnects()).isEqualTo(1);
        assertThat(up.eventsSince()).isAfterOrEqualTo(down.eventsSince());
        second.event(event("session.idle", "ses_a", "9"));
        assertThat(next(a).type()).isEqualTo("session.idle");
        assertThat(log.at("WARN")).singleElement().asString()
                .contains("OpenCode event stream lost", "ended the event stream", "runs poll OpenCode");
        assertThat(log.at("INFO")).last().asString().contains("OpenCode event stream connected again to " + server.url());
    }

    @Test
    void anOutageIsLoggedOnceAndItsEndOnceHoweverManyRetries() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer first = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        server.eventStatus(503);

        first.end();
        Await.until("five reconnects were refused", () -> server.hits(EventStream.PATH) >= 6);
        assertThat(connection.status().eventsConnected()).isFalse();
        assertThat(connection.status().lastError()).isEqualTo("OpenCode at " + server.url() + ": HTTP 503 (GET /event)");
        assertThat(a.live()).isFalse();
        server.eventStatus(200);
        server.nextStream();
        Await.until("the stream is back", () -> connection.status().eventsConnected());
        // the recovery is logged just after the stream counts as connected again
        Await.until("the recovery logged", () -> log.at("INFO").stream().anyMatch(line -> line.contains("connected again")));

        assertThat(log.at("WARN")).hasSize(1);
        assertThat(log.at("INFO")).filteredOn(line -> line.contains("connected again")).singleElement().asString()
                .containsPattern("after \\d+\\.\\d s \\(\\d+ failed attempts\\)");
        // not taken during the outage: the loss and the reconnect are one GAP, with the latest reason
        assertThat(reason(next(a))).isEqualTo("connected");
        assertThat(a.next(Duration.ofMillis(50))).isNull();
        assertThat(a.live()).isTrue();
    }

    @Test
    void aFullQueueDropsEventsAndQueuesOneGapInstead() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connection(server, Credentials.none(), 4);
        Await.until("the stream is connected", () -> connection.status().eventsConnected());
        LoopbackServer.Peer stream = server.nextStream();
        Subscription a = (Subscription) connection.subscribe("ses_a");

        for (int i = 1; i <= 10; i++) {
            stream.event(event("message.part.delta", "ses_a", Integer.toString(i)));
        }
        stream.event(event("session.idle", "ses_b", "marker"));
        SessionEvents b = connection.subscribe("ses_b");
        stream.event(event("session.idle", "ses_b", "after"));
        next(b); // the stream thread has handled everything sent before
        assertThat(a.queued()).isEqualTo(5);

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OpenCodeEvent event = next(a);
            got.add(event.type().equals(SessionEvents.GAP) ? "GAP " + reason(event) : JSON.readTree(event.json()).at("/properties/n").asText());
        }
        assertThat(got).containsExactly("1", "2", "3", "4", "GAP overflow");
        stream.event(event("session.idle", "ses_a", "11"));
        assertThat(JSON.readTree(next(a).json()).at("/properties/n").asText()).isEqualTo("11");
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer stream = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        stream.event(event("session.status", "ses_a", "1"));
        assertThat(next(a).type()).isEqualTo("session.status");

        a.close();
        a.close(); // twice is harmless
        SessionEvents later = connection.subscribe("ses_a");
        stream.event(event("session.idle", "ses_a", "2"));

        assertThat(JSON.readTree(next(later).json()).at("/properties/n").asText()).isEqualTo("2");
        assertThat(a.next(Duration.ofMillis(50))).isNull();
        assertThat(((Subscription) a).queued()).isZero();
        assertThat(a.live()).isFalse();
        assertThat(connection.status().subscriptions()).isEqualTo(1);
        later.close();
        assertThat(connection.status().subscriptions()).isZero();
    }

    @Test
    void closingStopsTheThreadAndClosesTheStream() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer stream = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        assertThat(threadsNamed(EventStream.THREAD_NAME)).isPositive();

        connection.close(); // waits for the thread, at most FAST.stopWait()

        assertThat(connection.eventThreadAlive()).isFalse();
        stream.awaitClientGone();
        assertThat(reason(next(a))).isEqualTo("disconnected");
        assertThat(a.live()).isFalse();
        assertThat(connection.status().eventsConnected()).isFalse();
        assertThat(log.at("WARN")).as("a stop is not an outage").isEmpty();
    }

    @Test
    void closingWhileTheServerIsDownStopsTheRetries() throws Exception {
        LoopbackServer server = server();
        server.stop();
        ServerConnection connection = connection(server, Credentials.none(), 8);
        Await.until("a connect attempt failed", () -> connection.status().lastError() != null);

        connection.close();

        assertThat(connection.eventThreadAlive()).isFalse();
        assertThat(connection.status().lastError()).isEqualTo("OpenCode at " + server.url() + ": connection refused (GET /event)");
        assertThat(log.at("WARN")).singleElement().asString().contains("OpenCode event stream cannot connect");
    }

    @Test
    void theStreamRequestCarriesTheCredentials() throws Exception {
        LoopbackServer server = server();
        Credentials credentials = OpenCodeHttpTest.password(OpenCodeHttpTest.PASSWORD);
        ServerConnection connection = connection(server, credentials, 8);
        Await.until("the stream is connected", () -> connection.status().eventsConnected());

        assertThat(server.requests(EventStream.PATH)).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.authorization()).isEqualTo("Basic " + OpenCodeHttpTest.TOKEN);
        });
    }

    @Test
    void aRefusedPasswordOnTheStreamIsReportedWithoutIt() throws Exception {
        LoopbackServer server = server();
        server.eventStatus(401);
        ServerConnection connection = connection(server, OpenCodeHttpTest.password(OpenCodeHttpTest.PASSWORD), 8);

        Await.until("the stream was refused", () -> connection.status().lastError() != null);

        assertThat(connection.status().lastError()).isEqualTo("OpenCode at " + server.url() + ": HTTP 401 (GET /event)");
        assertThat(log.lines()).allSatisfy(line -> assertThat(line)
                .doesNotContain(OpenCodeHttpTest.PASSWORD).doesNotContain(OpenCodeHttpTest.TOKEN));
    }

    @Test
    void aServerThatIsNoEventStreamIsNotTakenForOne() throws Exception {
        LoopbackServer server = server();
        server.eventContentType("application/json");
        ServerConnection connection = connection(server, Credentials.none(), 8);

        Await.until("the answer was refused", () -> connection.status().lastError() != null);

        assertThat(connection.status().eventsConnected()).isFalse();
        assertThat(connection.status().lastError()).isEqualTo("OpenCode at " + server.url()
                + ": HTTP 200 (GET /event), not an event stream; is the URL an OpenCode server?");
    }

    @Test
    void silenceAfterHeartbeatsIsTakenAsALostStream() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer first = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        CountDownLatch hold = new CountDownLatch(1);
        server.holdEvents(hold);

        first.event("{\"type\":\"server.heartbeat\",\"properties\":{}}");
        // then nothing: after FAST.heartbeatLimit() the client gives up on this connection

        assertThat(reason(next(a))).isEqualTo("disconnected");
        first.awaitClientGone();
        hold.countDown();
        server.nextStream();
        assertThat(reason(next(a))).isEqualTo("connected");
        assertThat(connection.status().reconnects()).isEqualTo(1);
        assertThat(connection.status().lastError()).contains("sent nothing for 0.4 s after its heartbeats");
    }

    @Test
    void withoutHeartbeatsSilenceIsNoReasonToReconnect() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer first = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        first.event(event("session.status", "ses_a", "1"));
        next(a);

        // longer than FAST.heartbeatLimit(): an older server without heartbeats keeps its stream
        assertThat(a.next(FAST.heartbeatLimit().multipliedBy(3))).isNull();
        first.event(event("session.idle", "ses_a", "2"));

        assertThat(next(a).type()).isEqualTo("session.idle");
        assertThat(connection.status().reconnects()).isZero();
    }

    @Test
    void anUnreadableOrOversizedEventGivesEveryoneAGap() throws Exception {
        LoopbackServer server = server();
        ServerConnection connection = connected(server);
        LoopbackServer.Peer stream = server.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        SessionEvents b = connection.subscribe("ses_b");

        stream.write("data: {\"type\":\"session.status\",\"properties\":{\"sessionID\":\n\n");
        assertThat(reason(next(a))).isEqualTo("unreadable event");
        assertThat(reason(next(b))).isEqualTo("unreadable event");
        stream.event(event("session.idle", "ses_a", "1"));
        assertThat(next(a).type()).isEqualTo("session.idle");

        StringBuilder huge = new StringBuilder("data: {\"type\":\"x\",\"properties\":{\"sessionID\":\"ses_a\",\"t\":\"");
        huge.append("y".repeat(EventStream.MAX_EVENT_BYTES)).append("\"}}\n\n");
        stream.write(huge.toString());
        assertThat(reason(next(a))).isEqualTo("oversized event");
        assertThat(reason(next(b))).isEqualTo("oversized event");
        stream.event(event("session.idle", "ses_b", "2"));
        assertThat(next(b).type()).isEqualTo("session.idle");
    }

    @Test
    void aNewUrlMovesTheStreamWhileACallInFlightFinishesOnTheOldServer() throws Exception {
        LoopbackServer old = server();
        LoopbackServer moved = server();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        old.route("/slow", (exchange, s) -> {
            arrived.countDown();
            release.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            LoopbackServer.send(exchange, 200, "{\"from\":\"old\"}");
        });
        moved.route("/slow", LoopbackServer.ok("{\"from\":\"new\"}"));
        ServerConnection connection = connected(old);
        LoopbackServer.Peer oldStream = old.nextStream();
        SessionEvents a = connection.subscribe("ses_a");
        CompletableFuture<OpenCodeResponse> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return connection.get("/slow", Instant.now().plus(Await.LIMIT), 1024);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(arrived.await(Await.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        CountDownLatch hold = new CountDownLatch(1);
        moved.holdEvents(hold);

        connection.reconfigure(moved.url(), Duration.ofSeconds(1));

        assertThat(reason(next(a))).isEqualTo("disconnected");
        oldStream.awaitClientGone();
        hold.countDown();
        LoopbackServer.Peer newStream = moved.nextStream();
        assertThat(reason(next(a))).isEqualTo("connected");
        newStream.event(event("session.idle", "ses_a", "1"));
        assertThat(next(a).type()).isEqualTo("session.idle");
        assertThat(connection.status().url()).isEqualTo(moved.url());
        assertThat(new String(connection.get("/slow", Instant.now().plusSeconds(5), 1024).body(), UTF_8)).isEqualTo("{\"from\":\"new\"}");
        release.countDown();
        assertThat(new String(inFlight.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS).body(), UTF_8)).isEqualTo("{\"from\":\"old\"}");
        assertThat(log.at("WARN")).as("a URL change is not an outage").isEmpty();
        assertThat(log.at("INFO")).anySatisfy(line -> assertThat(line)
                .contains("OpenCode URL changed from " + old.url() + " to " + moved.url()));
    }

    @Test
    void requestFailuresShowAsTheLastError() throws Exception {
        LoopbackServer server = server();
        server.route("/config", LoopbackServer.status(500));
        ServerConnection connection = connected(server);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connection.get("/config", Instant.now().plusSeconds(5), 1024))
                .hasMessage("OpenCode at " + server.url() + ": HTTP 500 (GET /config)");

        assertThat(connection.status()).satisfies(status -> {
            assertThat(status.lastError()).isEqualTo("OpenCode at " + server.url() + ": HTTP 500 (GET /config)");
            assertThat(status.managed()).isFalse();
            assertThat(status.pid()).isZero();
            assertThat(status.url()).isEqualTo(server.url());
        });
    }

    static int threadsNamed(String name) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }
}
