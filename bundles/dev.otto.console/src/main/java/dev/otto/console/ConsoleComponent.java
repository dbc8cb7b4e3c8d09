package dev.otto.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.IntSupplier;

import org.apache.felix.service.command.CommandProcessor;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.runtime.OttoPaths;

/**
 * The consoles of this Otto: the socket {@code bin/otto} attaches to ({@code <data>/otto.sock}),
 * and the foreground console the launcher opens on its own terminal once Otto is ready.
 *
 * <p>The foreground console is offered to the launcher as an {@link IntSupplier} service with
 * {@value #FOREGROUND} (a JDK type: the launcher sees no bundle's classes); calling it runs the
 * console on the caller's thread until the operator leaves it and returns the exit status.
 */
@Component(immediate = true, service = {})
public final class ConsoleComponent {

    /** Service property of the foreground console service. */
    public static final String FOREGROUND = "otto.console=foreground";
    /** The history every console of a data folder shares. */
    static final String HISTORY_FILE = "console.history";

    private final Logger logger;
    private final BundleContext context;
    private final GogoConsoles consoles;
    private final List<ServiceRegistration<?>> commands;
    private final ConsoleEndpoint endpoint;
    private final ServiceRegistration<IntSupplier> foreground;
    private volatile Terminal foregroundTerminal;

    @Activate
    public ConsoleComponent(BundleContext context, @Reference CommandProcessor processor,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.logger = logger;
        OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
        String home = context.getProperty("gosh.home");
        this.consoles = new GogoConsoles(processor, paths.dataDir().resolve(HISTORY_FILE),
                home == null ? null : Path.of(home, "etc", "gosh_profile"), new CommandFlags(context)::read);
        this.commands = GogoCommands.register(context, processor);
        this.endpoint = openEndpoint(paths.consoleSocket());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("otto.console", "foreground");
        this.foreground = context.registerService(IntSupplier.class, this::runForeground, properties);
    }

    private ConsoleEndpoint openEndpoint(Path socket) {
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
        try {
            ConsoleEndpoint opened = new ConsoleEndpoint(socket, consoles, this::stopOtto, log);
            logger.info("console socket {}: bin/otto run, console, status and stop attach here", socket);
            return opened;
        } catch (IOException e) {
            logger.error("no console socket, so bin/otto cannot attach to this Otto: {}", e.getMessage());
            return null;
        }
    }

    private void stopOtto() {
        try {
            context.getBundle(0).stop();
        } catch (BundleException | IllegalStateException e) {
            logger.error("stopping Otto as asked on the console socket failed: {}", e.getMessage());
        }
    }

    /** The console on the process's own terminal (or on its standard input, when that is no terminal). */
    private int runForeground() {
        try (Terminal terminal = systemTerminal()) {
            foregroundTerminal = terminal;
            consoles.interact(terminal);
            return 0;
        } catch (Exception e) {
            logger.error("the console ended: {}", GogoConsoles.message(e), e);
            return 1;
        } finally {
            foregroundTerminal = null;
        }
    }

    /**
     * The process's terminal. JLine finds its terminal providers through the context class loader,
     * which in a bundle is not JLine's: without this it would fall back to a dumb terminal (no
     * line editing, and SIGINT would stop the JVM).
     */
    private static Terminal systemTerminal() throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TerminalBuilder.class.getClassLoader());
        try {
            return TerminalBuilder.builder().name("otto").system(true).dumb(true)
                    .encoding(StandardCharsets.UTF_8)
                    // SIGINT goes to the console (which interrupts the running command), not to the JVM
                    .nativeSignals(true).signalHandler(Terminal.SignalHandler.SIG_IGN)
                    .build();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Deactivate
    void deactivate() {
        foreground.unregister();
        Terminal terminal = foregroundTerminal;
        if (terminal != null) {
            try {
                terminal.close(); // Otto is stopping under the console: end it
            } catch (IOException e) {
                logger.info("closing the console's terminal: {}", e.getMessage());
            }
        }
        if (endpoint != null) {
            endpoint.close();
        }
        for (ServiceRegistration<?> registration : commands) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is taking the bundle down and unregistered it first
            }
        }
    }
}
