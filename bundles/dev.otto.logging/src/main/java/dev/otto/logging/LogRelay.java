package dev.otto.logging;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import dev.otto.api.runtime.OttoPaths;

/**
 * Relays every OSGi log entry (framework events, SCR, Otto bundles) to stderr and to
 * {@code <data>/logs/otto.log}.
 *
 * <p>Felix Log keeps entries in memory only, so without this component an exception thrown by an
 * {@code @Activate} method would be invisible. Entries logged before this component started are
 * replayed from the log history once; a sequence watermark in the bundle's data area keeps a
 * restarted relay from printing them twice.
 *
 * <p>Framework properties: {@value #CONSOLE_LEVEL} (default WARN; the distribution sets OFF), {@value #FILE_LEVEL}
 * (default INFO), {@value #MAX_BYTES} (default 10 MiB) and {@value #KEEP} (default 5 rolled files).
 */
@Component(immediate = true, service = {})
public final class LogRelay implements LogListener {

    /** Lowest level printed to stderr. */
    public static final String CONSOLE_LEVEL = "otto.log.console.level";
    /** Lowest level written to the log file. */
    public static final String FILE_LEVEL = "otto.log.file.level";
    /** Size at which the log file rolls over. */
    public static final String MAX_BYTES = "otto.log.maxBytes";
    /** Number of rolled-over files kept. */
    public static final String KEEP = "otto.log.keep";

    /** The level that writes nothing. */
    static final String OFF = "OFF";

    private static final String WATERMARK = "relayed-watermark";

    private final LogReaderService reader;
    private final RotatingLogFile file;
    private final LogLevel consoleLevel;
    private final LogLevel fileLevel;
    private final PrintStream console;
    private final Path watermarkFile;
    private final String frameworkUuid;
    private long lastSequence = -1;
    private boolean fileBroken;

    @Activate
    public LogRelay(BundleContext context, @Reference LogReaderService reader) {
        this.reader = reader;
        this.console = System.err;
        this.consoleLevel = level(context.getProperty(CONSOLE_LEVEL), LogLevel.WARN);
        this.fileLevel = level(context.getProperty(FILE_LEVEL), LogLevel.INFO);
        OttoPaths paths = OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")));
        this.file = new RotatingLogFile(paths.logFile(),
                longProperty(context, MAX_BYTES, 10L * 1024 * 1024), (int) longProperty(context, KEEP, 5));
        this.frameworkUuid = String.valueOf(context.getProperty(Constants.FRAMEWORK_UUID));
        this.watermarkFile = context.getDataFile(WATERMARK) == null ? null : context.getDataFile(WATERMARK).toPath();
        synchronized (this) {
            lastSequence = readWatermark();
            reader.addLogListener(this);
            List<LogEntry> history = Collections.list(reader.getLog());
            Collections.reverse(history); // getLog() is newest first
            for (LogEntry entry : history) {
                logged(entry);
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        reader.removeLogListener(this);
        writeWatermark();
        try {
            file.close();
        } catch (IOException e) {
            console.println("otto: could not close " + file.path() + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void logged(LogEntry entry) {
        if (entry.getSequence() <= lastSequence) {
            return; // already relayed from the history
        }
        lastSequence = entry.getSequence();
        LogLevel level = entry.getLogLevel();
        if (isServiceEventChatter(entry)) {
            return;
        }
        Instant time = Instant.ofEpochMilli(entry.getTime());
        String bundle = entry.getBundle() == null ? null : entry.getBundle().getSymbolicName();
        if (consoleLevel != null && consoleLevel.implies(level)) {
            console.println(LogLineFormatter.format(time, level, bundle, entry.getLoggerName(),
                    entry.getMessage(), entry.getException(), false));
        }
        if (fileLevel != null && fileLevel.implies(level)) {
            writeToFile(LogLineFormatter.format(time, level, bundle, entry.getLoggerName(),
                    entry.getMessage(), entry.getException(), true));
        }
    }

    /** Every service registration is logged as an event entry; on their own they only bury what matters. */
    static boolean isServiceEventChatter(LogEntry entry) {
        String logger = entry.getLoggerName();
        return logger != null && logger.startsWith("Events.Service") && !LogLevel.WARN.implies(entry.getLogLevel());
    }

    private void writeToFile(String text) {
        try {
            file.append(text);
            fileBroken = false;
        } catch (IOException e) {
            if (!fileBroken) { // say it once, not once per entry, until the file works again
                console.println("otto: cannot write " + file.path() + " (" + e.getMessage()
                        + "); log entries go to stderr only until it is writable again");
                fileBroken = true;
            }
        }
    }

    /** The last sequence relayed by an earlier activation in this same framework launch, else -1. */
    private long readWatermark() {
        if (watermarkFile == null || !Files.isRegularFile(watermarkFile)) {
            return -1;
        }
        try {
            String[] parts = Files.readString(watermarkFile, StandardCharsets.UTF_8).trim().split(" ");
            return parts.length == 2 && parts[0].equals(frameworkUuid) ? Long.parseLong(parts[1]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private void writeWatermark() {
        if (watermarkFile == null) {
            return;
        }
        try {
            Files.writeString(watermarkFile, frameworkUuid + " " + lastSequence, StandardCharsets.UTF_8);
        } catch (IOException e) {
            console.println("otto: could not save the log relay watermark: " + e.getMessage());
        }
    }

    /** The level a property names; {@code null} for {@value #OFF}: nothing is written there. */
    static LogLevel level(String value, LogLevel fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (value.trim().equalsIgnoreCase(OFF)) {
            return null;
        }
        try {
            return LogLevel.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> accepted = new ArrayList<>();
            for (LogLevel l : LogLevel.values()) {
                accepted.add(l.name());
            }
            accepted.add(OFF);
            System.err.println("otto: unknown log level '" + value + "', using " + fallback + "; accepted: " + accepted);
            return fallback;
        }
    }

    private static long longProperty(BundleContext context, String name, long fallback) {
        String value = context.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            System.err.println("otto: " + name + " must be a whole number, was '" + value + "'; using " + fallback);
            return fallback;
        }
    }
}
