package dev.otto.invoker.opencode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeEvent;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;

/**
 * Plays back the events one real OpenCode 1.18.33 session sent (src/test/resources/opencode-1.18.33-events)
 * once the prompt is posted, and records every request made. It stands in for the connection
 * bundle, not for OpenCode: the event sequences are OpenCode's own; the itest fault matrix runs the
 * same scenarios against the real server.
 */
final class ReplayedOpenCode implements OpenCodeConnection {

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> events;
    private final String sessionId;
    private final LinkedBlockingQueue<OpenCodeEvent> queue = new LinkedBlockingQueue<>();
    volatile boolean live = true;
    volatile String status = "{}";
    volatile String messages = "[]";

    ReplayedOpenCode(String scenario) {
        try {
            Path file = Path.of("src/test/resources/opencode-1.18.33-events", scenario + ".jsonl");
            this.events = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
            this.sessionId = events.isEmpty() ? "ses_none"
                    : JSON.readTree(events.get(0)).path("properties").path("sessionID").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public OpenCodeResponse get(String path, Instant deadline, long maxBytes) {
        requests.add("GET " + path);
        return new OpenCodeResponse(200, (path.equals("/session/status") ? status : messages).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OpenCodeResponse post(String path, byte[] json, Instant deadline) {
        requests.add("POST " + path);
        if (path.equals("/session")) {
            return new OpenCodeResponse(200, ("{\"id\":\"" + sessionId + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        if (path.endsWith("/prompt_async")) {
            for (String event : events) {
                try {
                    queue.add(new OpenCodeEvent(JSON.readTree(event).path("type").asText(), sessionId, event,
                            System.nanoTime()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new OpenCodeResponse(204, new byte[0]);
        }
        return new OpenCodeResponse(200, "true".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OpenCodeResponse delete(String path, Instant deadline) {
        requests.add("DELETE " + path);
        return new OpenCodeResponse(200, "true".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SessionEvents subscribe(String id) {
        return new SessionEvents() {
            @Override
            public OpenCodeEvent next(Duration timeout) throws InterruptedException {
                return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public boolean live() {
                return live;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public OpenCodeStatus status() {
        return new OpenCodeStatus(URI.create("http://127.0.0.1:4096"), false, 0, live, null, 0, null, 0);
    }

    String sessionId() {
        return sessionId;
    }
}
