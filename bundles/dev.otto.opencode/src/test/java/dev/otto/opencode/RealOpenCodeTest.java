package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otto.api.opencode.OpenCodeEvent;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed start against the real OpenCode server, run by hand with
 * {@code -Dotto.test.opencode=<path to node_modules/.bin/opencode>} (installed with
 * {@code npm install --prefix DIR opencode-ai@1.18.33}); the build's own real-server tests are in
 * itest. It checks what the README says about OpenCode's authentication and that session events
 * arrive through the one stream.
 */
@EnabledIfSystemProperty(named = "otto.test.opencode", matches = ".+")
class RealOpenCodeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void theManagedServerWantsItsPasswordAndStreamsSessionEventsThroughTheConnection() throws Exception {
        Credentials credentials = Credentials.generate(new SecureRandom());
        RecordingLog log = new RecordingLog();
        ManagedOpenCode server = ManagedOpenCode.start(Path.of(System.getProperty("otto.test.opencode")), dir.resolve("home"),
                dir.resolve("logs/opencode.log"), System.getenv(), credentials, Duration.ofSeconds(60), Duration.ofSeconds(5));
        List<ProcessHandle> processes = new ArrayList<>(ProcessHandle.of(server.pid()).orElseThrow().descendants().toList());
        processes.add(ProcessHandle.of(server.pid()).orElseThrow());
        ServerConnection connection = new ServerConnection(null, Duration.ofSeconds(5), credentials, server,
                Subscriptions.DEFAULT_CAPACITY, EventStream.Timing.DEFAULT, log);
        try {
            // HTTP/1.1 as Otto speaks it: with the JDK default (asking for an h2c upgrade) a request got no answer here
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            String wrong = "Basic " + Base64.getEncoder().encodeToString("opencode:wrong".getBytes(UTF_8));
            String otherUser = "Basic " + Base64.getEncoder().encodeToString(("alice:" + credentials.password()).getBytes(UTF_8));
            for (String path : List.of("/global/health", "/config/providers", "/config", "/event")) {
                for (String authorization : new String[] {null, wrong, otherUser}) {
                    assertThat(status(plain, server.url(), path, authorization)).as("%s with %s", path,
                            authorization == null ? "no credentials" : authorization == wrong ? "a wrong password" : "another user")
                            .isEqualTo(401);
                }
                assertThat(status(plain, server.url(), path, credentials.authorization())).as(path).isEqualTo(200);
            }

            connection.start();
            Await.until("the stream is connected", () -> connection.status().eventsConnected());
            String health = new String(connection.get("/global/health", Instant.now().plusSeconds(10), 4096).body(), UTF_8);
            assertThat(JSON.readTree(health).path("version").asText()).isEqualTo("1.18.33");
            String id = JSON.readTree(connection.post("/session", "{\"title\":\"otto real check\"}".getBytes(UTF_8),
                    Instant.now().plusSeconds(10)).body()).path("id").asText();
            SessionEvents events = connection.subscribe(id);

            connection.post("/session/" + id + "/abort", "{}".getBytes(UTF_8), Instant.now().plusSeconds(10));
            List<String> types = typesUntil(events, "session.idle");
            connection.delete("/session/" + id, Instant.now().plusSeconds(10));
            types.addAll(typesUntil(events, "session.deleted"));

            assertThat(types).contains("session.status", "session.idle", "session.deleted").doesNotContain(SessionEvents.GAP);
            OpenCodeStatus status = connection.status();
            assertThat(status.managed()).isTrue();
            assertThat(status.pid()).isEqualTo(server.pid());
            assertThat(status.url()).isEqualTo(server.url());
            assertThat(status.subscriptions()).isEqualTo(1);
            events.close();
        } finally {
            connection.close();
        }
        for (ProcessHandle process : processes) {
            Await.until("OpenCode process " + process.pid() + " is gone", () -> !process.isAlive());
        }
        OpenCodeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> new OpenCodeHttp(server.url(), Duration.ofSeconds(1), credentials)
                        .send("GET", "/global/health", null, Instant.now().plusSeconds(5), 4096), OpenCodeException.class);
        assertThat(refused.failureCause()).isEqualTo(OpenCodeException.Cause.REFUSED);
        assertThat(log.lines()).allSatisfy(line -> assertThat(line).doesNotContain(credentials.password()));
    }

    private static List<String> typesUntil(SessionEvents events, String last) throws InterruptedException {
        List<String> types = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            OpenCodeEvent event = events.next(Duration.ofMillis(200));
            if (event != null) {
                types.add(event.type());
                if (event.type().equals(last)) {
                    return types;
                }
            }
        }
        throw new AssertionError("no " + last + " within " + WAIT + "; got " + types);
    }

    private static int status(HttpClient client, URI base, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close(); // /event never ends
        return response.statusCode();
    }
}
