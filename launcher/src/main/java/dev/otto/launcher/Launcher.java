package dev.otto.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.IntSupplier;

import org.apache.felix.main.AutoProcessor;
import org.apache.felix.main.Main;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

import dev.otto.api.runtime.OttoPaths;

/**
 * The entry point behind {@code bin/otto}: boots Felix over the distribution's {@code bundle/}
 * folder with FileInstall watching {@code deploy/}, then either hands the console to Gogo or runs
 * the given commands and exits with their outcome.
 *
 * <p>The launcher owns the process: it resolves paths once (and passes them to the bundles as
 * framework properties), keeps one Otto per data folder with a lock file, and turns what happened
 * into an exit status scripts can test.
 */
public final class Launcher {

    static final int OK = 0;
    static final int COMMAND_FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_READY = 3;
    static final int BOOT_FAILED = 4;

    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    private static final long SERVICE_WAIT_MILLIS = 60_000;
    private static final String LIBRARY_BUNDLE = "org.apache.felix.gogo.jline";
    /** A start level above the framework's (1): bundles there stay resolved but stopped. */
    static final int NEVER_STARTED = 100;
    /** The service property of dev.otto.console's foreground console. */
    private static final String FOREGROUND_CONSOLE = "otto.console=foreground";

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;
    private final BootTrace trace = new BootTrace();

    Launcher(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        String home = System.getProperty("otto.home");
        if (home == null) {
            System.err.println("otto: the system property otto.home is not set; start Otto with bin/otto");
            System.exit(BOOT_FAILED);
        }
        System.exit(new Launcher(Path.of(home).toAbsolutePath().normalize(), System.out, System.err).launch(args));
    }

    int launch(String... args) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("otto: " + e.getMessage());
            err.println(Arguments.usage());
            return USAGE;
        }
        if (arguments.mode() == Arguments.Mode.HELP) {
            out.println(Arguments.usage());
            return OK;
        }
        OttoPaths paths = OttoPaths.resolve(System::getenv, System::getProperty, userHome());
        Background background = new Background(home, paths, out, err);
        try {
            switch (arguments.mode()) {
            case START:
                return background.start(arguments.withOpenCode());
            case STOP:
                return background.stop();
            case STATUS:
                return background.status();
            case CONSOLE:
                return background.console(false);
            case INTERACTIVE:
            case RUN:
                Integer attached = arguments.mode() == Arguments.Mode.RUN
                        ? background.run(arguments.commands(), arguments.attachOnly())
                        : background.consoleIfRunning();
                if (attached != null) {
                    return attached;
                }
                break;
            default:
                break;
            }
        } catch (IOException e) {
            err.println("otto: cannot attach to the Otto running with the data folder " + paths.dataDir() + ": "
                    + e.getMessage());
            return BOOT_FAILED;
        }
        return bootHere(arguments, paths);
    }

    /** Boots Otto in this process, holding the data folder's lock while it runs. */
    private int bootHere(Arguments arguments, OttoPaths paths) {
        try {
            Files.createDirectories(paths.dataDir());
            ownerOnly(paths.dataDir(), false);
        } catch (IOException e) {
            err.println("otto: cannot create the data folder " + paths.dataDir() + " (" + e.getMessage()
                    + "); set OTTO_DATA_DIR to a writable folder");
            return BOOT_FAILED;
        }
        try (FileChannel lockChannel = FileChannel.open(paths.dataDir().resolve("otto.lock"),
                java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OwnerOnly.FILE));
                FileLock lock = lockChannel.tryLock()) {
            if (lock == null) {
                err.println("otto: another Otto " + (answers(paths) ? "is running" : "is starting or stopping")
                        + " with the data folder " + paths.dataDir() + "; 'bin/otto status' says how it is, 'bin/otto"
                        + " stop' stops it, or give this one its own folder with OTTO_DATA_DIR");
                return BOOT_FAILED;
            }
            return boot(arguments, paths);
        } catch (IOException e) {
            err.println("otto: cannot lock " + paths.dataDir().resolve("otto.lock") + ": " + e.getMessage());
            return BOOT_FAILED;
        }
    }

    private static boolean answers(OttoPaths paths) {
        try (ConsoleClient client = ConsoleClient.connect(paths.consoleSocket())) {
            return client != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The data folder and the framework storage (Config Admin's copies): their owner's alone ({@link OwnerOnly}). */
    private void ownerOnly(Path folder, boolean wholeTree) {
        try {
            List<String> failures = wholeTree ? OwnerOnly.tree(folder) : OwnerOnly.folder(folder);
            if (!failures.isEmpty()) {
                err.println("otto: cannot make " + failures.get(0) + (failures.size() > 1 ? " (and "
                        + (failures.size() - 1) + " more)" : "") + " owner-only; other users may see it");
            }
        } catch (IOException | UnsupportedOperationException e) {
            err.println("otto: cannot make " + folder + " owner-only (" + e.getMessage()
                    + "); other users may see its files");
        }
    }

    private int boot(Arguments arguments, OttoPaths paths) {
        trace.mark("main");
        Framework framework;
        try {
            Map<String, String> properties = frameworkProperties(arguments, paths);
            ownerOnly(Path.of(properties.get(Constants.FRAMEWORK_STORAGE)).toAbsolutePath(), true);
            framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"))
                    .newFramework(properties);
            framework.init();
            trace.mark("framework");
            AutoProcessor.process(properties, framework.getBundleContext());
            keepLibrariesStopped(framework.getBundleContext());
            trace.mark("installed");
            framework.start();
            trace.mark("started");
        } catch (BundleException | RuntimeException e) {
            err.println("otto: the OSGi framework could not start: " + e.getMessage());
            return BOOT_FAILED;
        }
        Thread stopOnExit = new Thread(() -> stop(framework), "otto-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            int code = arguments.mode() == Arguments.Mode.INTERACTIVE ? interactive(framework, paths)
                    : arguments.mode() == Arguments.Mode.SERVE ? serve(framework, paths)
                    : runCommands(framework.getBundleContext(), arguments, paths);
            trace.mark("done");
            stop(framework);
            trace.mark("stopped");
            trace.print(err);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return BOOT_FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it stops the framework
            }
        }
    }

    /**
     * Opens the console only once Otto is whole; when Otto is not ready it does not open: the
     * problem is printed and the process exits non-zero. Leaving the console stops Otto.
     */
    private int interactive(Framework framework, OttoPaths paths) throws InterruptedException {
        int code = awaitReady(framework.getBundleContext(), paths);
        if (code != OK) {
            return code;
        }
        ServiceReference<?> console = await(framework.getBundleContext(),
                "(&(" + Constants.OBJECTCLASS + "=" + IntSupplier.class.getName() + ")(" + FOREGROUND_CONSOLE + "))");
        if (console == null) {
            err.println("otto: the console (bundle dev.otto.console) did not start; see " + paths.logFile());
            return NOT_READY;
        }
        IntSupplier foreground = (IntSupplier) framework.getBundleContext().getService(console);
        return foreground == null ? NOT_READY : foreground.getAsInt();
    }

    /** No console: runs until stopped ('bin/otto stop' on the socket, or SIGTERM). */
    private int serve(Framework framework, OttoPaths paths) throws InterruptedException {
        awaitReady(framework.getBundleContext(), paths);
        FrameworkEvent event = framework.waitForStop(0);
        return event.getType() == FrameworkEvent.ERROR ? BOOT_FAILED : OK;
    }

    /** Waits for readiness; prints one line either way and returns OK or NOT_READY (or BOOT_FAILED). */
    private int awaitReady(BundleContext context, OttoPaths paths) throws InterruptedException {
        return withGogo(context, paths, gogo -> {
            try {
                err.println("otto: " + gogo.execute("otto:await"));
                trace.mark("ready");
                trace.print(err);
                return OK;
            } catch (CommandFailure notReady) {
                err.println("otto: Otto did not start: " + notReady.getMessage().replaceFirst("^Otto is not ready: ", "")
                        + "; details in " + paths.logFile());
                return NOT_READY;
            }
        });
    }

    /** conf/config.properties with ${...} filled in, then what only the launcher knows. */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private Map<String, String> frameworkProperties(Arguments arguments, OttoPaths paths) {
        System.setProperty("otto.home", home.toString());
        // The console reads etc/gosh_profile (prompt, motd) from gosh.home.
        System.setProperty("gosh.home", home.toString());
        System.setProperty(Main.CONFIG_PROPERTIES_PROP, home.resolve("conf/config.properties").toUri().toString());
        Map<String, String> config = Main.loadConfigProperties();
        Main.copySystemProperties(config);
        Map<String, Object> properties = new HashMap<>(config);
        properties.put("otto.home", home.toString());
        properties.put("otto.data", paths.dataDir().toString());
        properties.put("otto.config", paths.configFile().toString());
        properties.putIfAbsent(Constants.FRAMEWORK_STORAGE, paths.dataDir().resolve("felix-cache").toString());
        properties.put("felix.log.logger", new StderrFrameworkLogger(err));
        if (arguments.withOpenCode()) {
            properties.put("otto.opencode.managed", "true");
        }
        return (Map) properties;
    }

    /**
     * gogo.jline is a library here (dev.otto.console opens the consoles): its own activator would
     * open a second console on this terminal and take SIGINT from the whole JVM. It sits at a start
     * level the framework never reaches, so it is resolved and wired but never started.
     */
    private static void keepLibrariesStopped(BundleContext context) {
        for (Bundle bundle : context.getBundles()) {
            if (LIBRARY_BUNDLE.equals(bundle.getSymbolicName())) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(NEVER_STARTED);
            }
        }
    }

    /** Waits for readiness, then runs each command in order; stops at the first that fails. */
    private int runCommands(BundleContext context, Arguments arguments, OttoPaths paths) throws InterruptedException {
        return withGogo(context, paths, gogo -> {
            int code = OK;
            try {
                err.println("otto: " + gogo.execute("otto:await"));
                trace.mark("ready");
            } catch (CommandFailure notReady) {
                err.println("otto: " + notReady.getMessage() + "; details in " + paths.logFile());
                code = NOT_READY;
            }
            try (ScriptSession script = ScriptSession.open(context, out, err)) {
                for (String command : script == null ? List.<String>of() : arguments.commands()) {
                    int status = script.run(command);
                    if (status != OK) {
                        return status;
                    }
                }
                if (script != null) {
                    return code;
                }
            } // else no console bundle: Gogo's own session, without its rendering of failures
            for (String command : arguments.commands()) {
                try {
                    String output = gogo.execute(command);
                    if (!output.isEmpty()) {
                        out.println(output);
                    }
                } catch (CommandFailure failure) {
                    err.println("otto: '" + command + "' failed: " + failure.getMessage());
                    return COMMAND_FAILED;
                }
            }
            return code;
        });
    }

    /** What to do with a Gogo session; returns the exit status. */
    private interface SessionWork {
        int run(Gogo gogo) throws ReflectiveOperationException;
    }

    /** Waits for Gogo and Otto's shell, opens a session, does the work, closes the session. */
    private int withGogo(BundleContext context, OttoPaths paths, SessionWork work) throws InterruptedException {
        ServiceReference<?> reference = await(context, "(" + Constants.OBJECTCLASS + "=" + COMMAND_PROCESSOR + ")");
        if (reference == null) {
            err.println("otto: the Gogo command processor did not start within "
                    + SERVICE_WAIT_MILLIS / 1000 + " s; see " + logHint(paths));
            return BOOT_FAILED;
        }
        if (await(context, "(&(osgi.command.scope=otto)(osgi.command.function=await))") == null) {
            err.println("otto: the Otto shell (bundle dev.otto.shell) did not start within "
                    + SERVICE_WAIT_MILLIS / 1000 + " s; see " + logHint(paths));
            return NOT_READY;
        }
        Object processor = context.getService(reference);
        try {
            Gogo gogo = new Gogo(reference.getBundle().loadClass(COMMAND_PROCESSOR),
                    reference.getBundle().loadClass(COMMAND_SESSION), processor, out, err);
            try {
                return work.run(gogo);
            } finally {
                gogo.close();
            }
        } catch (ReflectiveOperationException e) {
            err.println("otto: the Gogo runtime in bundle/ is not the expected version: " + e);
            return BOOT_FAILED;
        } finally {
            context.ungetService(reference);
        }
    }

    private static ServiceReference<?> await(BundleContext context, String filter) throws InterruptedException {
        long deadline = System.nanoTime() + SERVICE_WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            try {
                ServiceReference<?>[] found = context.getServiceReferences((String) null, filter);
                if (found != null && found.length > 0) {
                    return found[0];
                }
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static String logHint(OttoPaths paths) {
        return "the log above and " + paths.logFile();
    }

    /** {@code ~} as the shell means it: {@code $HOME}, which Java's user.home ignores. */
    static Path userHome() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    private void stop(Framework framework) {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(30_000);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                err.println("otto: the framework did not stop within 30 s");
            }
        } catch (BundleException e) {
            err.println("otto: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
