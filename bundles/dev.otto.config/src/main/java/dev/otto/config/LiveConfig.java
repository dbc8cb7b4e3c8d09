package dev.otto.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.config.ConfigCheck;
import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigProperties;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.ModelManagementConfig;
import dev.otto.api.config.OttoConfiguration;
import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.runtime.OttoPaths;

/**
 * The live configuration: reads {@code config.jsonc} at start and whenever it changes, and
 * publishes each applied version to Config Admin ({@link ConfigPids}) and through this service.
 *
 * <p>The first read happens before activation completes, so a component that needs its section
 * never sees a half-started runtime.
 *
 * <p>Also the {@link HealthCheck} "config file": {@code otto:status} is not ready while the file on
 * disk is not what is in force (rejected, unusable, or deleted while Otto ran).
 */
@Component(service = {OttoConfiguration.class, HealthCheck.class}, immediate = true)
public final class LiveConfig implements OttoConfiguration, HealthCheck {

    /** Quiet time before a burst of writes is read. */
    static final Duration DEBOUNCE = Duration.ofMillis(150);
    /** Longest time a change can go unnoticed when the platform's file watch misses it. */
    static final Duration POLL = Duration.ofMillis(500);

    private final ConfigReloader reloader;
    private final FileWatcher watcher;

    @Activate
    public LiveConfig(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference(service = LoggerFactory.class) Logger logger) throws IOException {
        OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
        String home = context.getProperty("otto.home");
        String hint = home == null ? "" : " (example: " + Path.of(home, "conf", "config.jsonc.example") + ")";
        this.reloader = new ConfigReloader(paths.configFile(), new ConfigParser(),
                config -> publish(configAdmin, config), reporter(logger), Clock.systemUTC(), hint);
        // the watcher takes its first look before the first read, so no edit falls in between
        this.watcher = new FileWatcher(paths.configFile(), DEBOUNCE, POLL, reloader::reload, logger::warn);
        reloader.reload();
        watcher.start();
    }

    @Deactivate
    void deactivate() throws IOException {
        watcher.close();
    }

    @Override
    public ModelManagementConfig current() {
        return reloader.current();
    }

    @Override
    public ConfigStatus status() {
        return reloader.status();
    }

    @Override
    public ConfigCheck check(Path file) {
        return reloader.check(file);
    }

    @Override
    public String name() {
        return "config file";
    }

    @Override
    public String problem() {
        return reloader.problem();
    }

    /** Updates each section's configuration; Config Admin tells only the components whose section changed. */
    static void publish(ConfigurationAdmin configAdmin, ModelManagementConfig config) {
        update(configAdmin, ConfigPids.ROUTING, ConfigProperties.routing(config));
        update(configAdmin, ConfigPids.CATALOG, ConfigProperties.catalog(config));
    }

    private static void update(ConfigurationAdmin configAdmin, String pid, Map<String, Object> properties) {
        try {
            // "?" binds to no single bundle: whichever bundle consumes the section may read it
            Configuration configuration = configAdmin.getConfiguration(pid, "?");
            Dictionary<String, Object> dictionary = new Hashtable<>(properties);
            configuration.updateIfDifferent(dictionary);
        } catch (IOException e) {
            throw new IllegalStateException("Config Admin could not store " + pid + ": " + e.getMessage(), e);
        }
    }

    private static ConfigReloader.Reporter reporter(Logger logger) {
        return new ConfigReloader.Reporter() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void error(String message) {
                logger.error(message);
            }
        };
    }
}
