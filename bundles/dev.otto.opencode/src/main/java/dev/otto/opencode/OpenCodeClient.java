package dev.otto.opencode;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.config.CatalogConfig;
import dev.otto.api.config.CatalogSettings;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeException;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import dev.otto.api.runtime.OttoPaths;

/**
 * The {@link OpenCodeConnection} service: a thin component over {@link ServerConnection} (and
 * {@link ManagedOpenCode} with {@value #MANAGED}). It takes {@code opencodeUrl} and
 * {@code connectTimeout} of the catalog's configuration, which the config bundle always publishes;
 * the configuration is required so that the connection never talks to a default URL before the
 * real one arrives. A changed URL is applied live.
 */
@Component(service = OpenCodeConnection.class, immediate = true, configurationPid = ConfigPids.CATALOG,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class OpenCodeClient implements OpenCodeConnection {

    /** Framework property: start and use the distribution's own OpenCode ({@code bin/otto --with-opencode}). */
    public static final String MANAGED = "otto.opencode.managed";
    /** How long the managed OpenCode gets to answer its first health check. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final ServerConnection connection;

    @Activate
    public OpenCodeClient(BundleContext context, CatalogConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) throws IOException, InterruptedException {
        CatalogSettings settings = ConfigProperties.catalogSettings(config);
        Log log = new Log() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }
        };
        ManagedOpenCode managed = null;
        Credentials credentials;
        if (Boolean.parseBoolean(context.getProperty(MANAGED))) {
            OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
            Path home = Path.of(String.valueOf(context.getProperty("otto.home")));
            Path state = paths.dataDir().resolve("opencode");
            logger.info("starting the pinned OpenCode server ({} serve) with its state in {}", ManagedOpenCode.EXECUTABLE, state);
            credentials = Credentials.generate(new SecureRandom());
            managed = ManagedOpenCode.start(home.resolve(ManagedOpenCode.EXECUTABLE), state,
                    paths.logsDir().resolve("opencode.log"), System.getenv(), credentials, STARTUP_TIMEOUT,
                    settings.connectTimeout());
            logger.info("OpenCode is answering on {} (pid {}), with a password of its own", managed.url(), managed.pid());
        } else {
            credentials = Credentials.fromEnvironment(System::getenv);
        }
        this.connection = new ServerConnection(settings.opencodeUrl(), settings.connectTimeout(), credentials, managed,
                Subscriptions.DEFAULT_CAPACITY, EventStream.Timing.DEFAULT, log);
        connection.start();
    }

    @Modified
    void modified(CatalogConfig config) {
        CatalogSettings settings = ConfigProperties.catalogSettings(config);
        connection.reconfigure(settings.opencodeUrl(), settings.connectTimeout());
    }

    @Deactivate
    void deactivate() {
        connection.close();
    }

    @Override
    public OpenCodeResponse get(String path, Instant deadline, long maxBytes) throws OpenCodeException, InterruptedException {
        return connection.get(path, deadline, maxBytes);
    }

    @Override
    public OpenCodeResponse post(String path, byte[] json, Instant deadline) throws OpenCodeException, InterruptedException {
        return connection.post(path, json, deadline);
    }

    @Override
    public OpenCodeResponse delete(String path, Instant deadline) throws OpenCodeException, InterruptedException {
        return connection.delete(path, deadline);
    }

    @Override
    public SessionEvents subscribe(String sessionId) {
        return connection.subscribe(sessionId);
    }

    @Override
    public OpenCodeStatus status() {
        return connection.status();
    }
}
