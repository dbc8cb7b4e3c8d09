package dev.otto.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.service.log.LogLevel;

import dev.otto.support.text.TerminalSafe;

/**
 * Turns one log entry into readable text: one line of
 * {@code time LEVEL bundle [logger] message}, then the exception; control and bidirectional
 * characters in any of it (a prompt, a provider's error) escaped ({@link TerminalSafe#text}).
 *
 * <p>The console gets a compact cause chain (class and message of each cause, the first frame of
 * the root cause) so an activation failure is readable at a glance; the file gets the full stack
 * trace for whoever digs deeper.
 */
final class LogLineFormatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LogLineFormatter() {
    }

    /** Formats an entry; {@code fullTrace} selects the file form of the exception. */
    static String format(Instant time, LogLevel level, String bundle, String logger, String message,
            Throwable exception, boolean fullTrace) {
        StringBuilder line = new StringBuilder(128)
                .append(TIME.format(time)).append(' ')
                .append(padLevel(level)).append(' ')
                .append(bundle == null ? "-" : bundle);
        if (logger != null && !logger.isEmpty() && !logger.equals(bundle)) {
            line.append(" [").append(logger).append(']');
        }
        line.append(' ').append(message == null ? "" : indentContinuation(message));
        if (exception != null) {
            line.append(System.lineSeparator());
            line.append(fullTrace ? stackTrace(exception) : causeChain(exception));
        }
        return TerminalSafe.text(line.toString());
    }

    private static String padLevel(LogLevel level) {
        String name = level.name();
        return name.length() >= 5 ? name : name + " ".repeat(5 - name.length());
    }

    /** Continuation lines of a multi-line message are indented, so each entry still starts at column 0. */
    private static String indentContinuation(String message) {
        return message.strip().replace("\r\n", "\n").replace('\r', '\n').replace("\n", System.lineSeparator() + "    ");
    }

    /** A cause's message stays on its own line of the chain. */
    private static String oneLine(String message) {
        return message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** Each cause on its own indented line, then where the root cause was thrown. */
    static String causeChain(Throwable exception) {
        StringBuilder chain = new StringBuilder();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable root = exception;
        for (Throwable t = exception; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (chain.length() > 0) {
                chain.append(System.lineSeparator());
            }
            chain.append(chain.length() == 0 ? "  ! " : "  ! caused by ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                chain.append(": ").append(oneLine(t.getMessage()));
            }
            root = t;
        }
        StackTraceElement[] frames = root.getStackTrace();
        if (frames.length > 0) {
            chain.append(System.lineSeparator()).append("    at ").append(frames[0]);
        }
        return chain.toString();
    }

    private static String stackTrace(Throwable exception) {
        StringWriter out = new StringWriter();
        exception.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return trace.endsWith(System.lineSeparator())
                ? trace.substring(0, trace.length() - System.lineSeparator().length())
                : trace;
    }
}
