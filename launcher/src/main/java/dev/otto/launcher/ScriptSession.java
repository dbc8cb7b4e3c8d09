package dev.otto.launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * dev.otto.console's scripted session ({@code otto.console=script}), reached through JDK types: a
 * one-shot {@code bin/otto run} prints exactly what an attached one prints (results escaped for
 * the terminal, one line per failure, what a command takes when its arguments are refused).
 */
final class ScriptSession implements AutoCloseable {

    private static final String FILTER = "(&(" + Constants.OBJECTCLASS + "=" + BiFunction.class.getName()
            + ")(otto.console=script))";

    private final BundleContext context;
    private final ServiceReference<?> reference;
    private final ToIntFunction<String> session;

    private ScriptSession(BundleContext context, ServiceReference<?> reference, ToIntFunction<String> session) {
        this.context = context;
        this.reference = reference;
        this.session = session;
    }

    /** The console's session writing to {@code out} and {@code err}, or null when the console offers none. */
    @SuppressWarnings("unchecked")
    static ScriptSession open(BundleContext context, PrintStream out, PrintStream err) {
        ServiceReference<?>[] references;
        try {
            references = context.getServiceReferences((String) null, FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (references == null || references.length == 0) {
            return null;
        }
        Object service = context.getService(references[0]);
        if (!(service instanceof BiFunction)) {
            context.ungetService(references[0]);
            return null;
        }
        Object session = ((BiFunction<OutputStream, OutputStream, Object>) service).apply(out, err);
        if (!(session instanceof ToIntFunction)) {
            context.ungetService(references[0]);
            return null;
        }
        return new ScriptSession(context, references[0], (ToIntFunction<String>) session);
    }

    /** Runs one command line; returns its ConsoleWire status (0 done, 1 failed, 130 interrupted). */
    int run(String command) {
        return session.applyAsInt(command);
    }

    @Override
    public void close() {
        try {
            if (session instanceof AutoCloseable) {
                ((AutoCloseable) session).close();
            }
        } catch (Exception closing) {
            // the session is gone with the framework
        } finally {
            try {
                context.ungetService(reference);
            } catch (IllegalStateException stopped) {
                // the framework stopped first
            }
        }
    }
}
