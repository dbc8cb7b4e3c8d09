package dev.otto.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.io.OutputStream;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

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
    /**
     * Service property of the scripted-session service, a {@link BiFunction} of (out, err) to a
     * session that is a {@link ToIntFunction} of a command line to its {@code ConsoleWire} status and
     * an {@link AutoCloseable}: JDK types, so the launcher's one-shot {@code bin/otto run} prints
     * exactly what an attached one does (results escaped, one line per failure).
     */
    public static final String SCRIPT = "otto.console=script";
    /** The history every console of a data folder shares. */
    static final String HISTORY_FILE = "console.history";

    private final Logger logger;
    private final BundleContext context;
    private final GogoConsoles consoles;
    private final List<ServiceRegistration<?>> commands;
    private final ConsoleEndpoint endpoint;
    private final ServiceRegistration<IntSupplier> foreground;
    @SuppressWarnings("rawtypes")
    private final ServiceRegistration<BiFunction> script;
    private volatile Terminal foregroundTerminal;

    @Activate
    public ConsoleComponent(BundleContext context, @Reference CommandProcessor processor,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.context = context;
        this.logger = logger;
        OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
        String home = context.getProperty("gosh.home");
        CommandFlags flags = new CommandFlags(context);
        this.consoles = new GogoConsoles(processor, paths.dataDir().resolve(HISTORY_FILE),
                home == null ? null : Path.of(home, "etc", "gosh_profile"), flags::read, flags::usage, log());
        this.commands = GogoCommands.register(context, processor);
        this.endpoint = openEndpoint(paths.consoleSocket());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("otto.console", "foreground");
        this.foreground = context.registerService(IntSupplier.class, this::runForeground, properties);
        Dictionary<String, Object> scriptProperties = new Hashtable<>();
        scriptProperties.put("otto.console", "script");
        BiFunction<OutputStream, OutputStream, Object> scripts = (out, err) -> new JdkScript(consoles.script(out, err));
        this.script = context.registerService(BiFunction.class, scripts, scriptProperties);
    }

    /** A scripted session in JDK types, for the launcher ({@link #SCRIPT}). */
    private static final class JdkScript implements ToIntFunction<String>, AutoCloseable {
        private final Consoles.Script script;

        JdkScript(Consoles.Script script) {
            this.script = script;
        }

        @Override
        public int applyAsInt(String command) {
            return script.run(command);
        }

        @Override
        public void close() {
            script.close();
        }
    }

    private Log log() {
        return new Log() {
            @Override
            public void info(String message) {
                logger.info(message);
            }

            @Override
            public void warn(String message) {
                logger.warn(message);
            }
        };
    }

    private ConsoleEndpoint openEndpoint(Path socket) {
        Log log = log();
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
        script.unregister();
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
