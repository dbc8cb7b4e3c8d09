package dev.otto.opencode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Log} that keeps every line, as "LEVEL message". */
final class RecordingLog implements Log {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    List<String> at(String level) {
        return lines.stream().filter(line -> line.startsWith(level + " ")).toList();
    }
}
