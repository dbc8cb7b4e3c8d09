package dev.otto.tools;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what was logged, for assertions on warnings. */
final class RecordingLog implements Log {

    final List<String> infos = new CopyOnWriteArrayList<>();
    final List<String> warnings = new CopyOnWriteArrayList<>();

    @Override
    public void info(String message) {
        infos.add(message);
    }

    @Override
    public void warn(String message) {
        warnings.add(message);
    }
}
