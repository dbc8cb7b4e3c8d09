package dev.otto.launcher;

import java.io.PrintStream;

import org.apache.felix.framework.Logger;

/**
 * Sends the framework's own messages (level set by {@code felix.log.level}) to stderr instead of
 * stdout, so that the output of {@code otto run} is only what the commands printed.
 */
final class StderrFrameworkLogger extends Logger {

    private final PrintStream err;

    StderrFrameworkLogger(PrintStream err) {
        this.err = err;
    }

    @Override
    protected void doLogOut(int level, String message, Throwable throwable) {
        String label;
        switch (level) {
        case LOG_ERROR: label = "ERROR"; break;
        case LOG_WARNING: label = "WARN "; break;
        case LOG_INFO: label = "INFO "; break;
        default: label = "DEBUG"; break;
        }
        err.println("felix " + label + " " + message + (throwable == null ? "" : ": " + throwable));
    }
}
