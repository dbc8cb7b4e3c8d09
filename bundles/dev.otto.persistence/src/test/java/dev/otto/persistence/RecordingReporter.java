package dev.otto.persistence;

import dev.otto.support.sqlite.Reporter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the persistence code reported, as {@code LEVEL message} lines. */
final class RecordingReporter implements Reporter {

    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void debug(String message) {
        // Flyway's progress lines; not part of what the tests assert
    }

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public void error(String message) {
        lines.add("ERROR " + message);
    }
}
