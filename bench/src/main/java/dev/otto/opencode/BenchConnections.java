package dev.otto.opencode;

import java.net.URI;
import java.time.Duration;

import dev.otto.api.opencode.OpenCodeConnection;

/** The real OpenCode connection without OSGi, for the failover benchmark. */
public final class BenchConnections {

    private BenchConnections() {
    }

    /**
     * Connects to an OpenCode server without a password, its event stream started.
     *
     * @param url the server
     * @return the connection; close it with {@link #close}
     */
    public static OpenCodeConnection connect(URI url) {
        ServerConnection connection = new ServerConnection(url, Duration.ofSeconds(5), Credentials.none(), null,
                Subscriptions.DEFAULT_CAPACITY, EventStream.Timing.DEFAULT, new Log() {
                    @Override
                    public void info(String message) {
                    }

                    @Override
                    public void warn(String message) {
                        System.err.println("connection: " + message);
                    }
                });
        connection.start();
        return connection;
    }

    /** Closes a connection {@link #connect} made. */
    public static void close(OpenCodeConnection connection) {
        ((ServerConnection) connection).close();
    }
}
