package dev.otto.launcher;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * One Gogo session, reached reflectively: the Gogo API lives in a bundle's class loader, not on
 * the launcher's class path.
 */
final class Gogo {
    private static final int INSPECT = 0; // Converter.INSPECT: the full rendering of a result

    private final Object session;
    private final Method execute;
    private final Method format;
    private final Method close;

    Gogo(Class<?> processorType, Class<?> sessionType, Object processor, PrintStream out, PrintStream err)
            throws ReflectiveOperationException {
        InputStream noInput = new ByteArrayInputStream(new byte[0]);
        this.session = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                OutputStream.class).invoke(processor, noInput, out, err);
        this.execute = sessionType.getMethod("execute", CharSequence.class);
        this.format = sessionType.getMethod("format", Object.class, int.class);
        this.close = sessionType.getMethod("close");
    }

    String execute(String command) throws CommandFailure, ReflectiveOperationException {
        Object result;
        try {
            result = execute.invoke(session, command);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new CommandFailure(message);
        }
        if (result == null) {
            return "";
        }
        Object text = format.invoke(session, result, INSPECT);
        return text == null ? "" : text.toString().stripTrailing();
    }

    void close() throws ReflectiveOperationException {
        close.invoke(session);
    }
}
