package dev.otto.launcher;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a boot's time goes, printed as one line on stderr when the system property
 * {@value #PROPERTY} is true (the boot benchmark in bench/ sets it): each step's time since the
 * JVM started. Printing clears what was printed.
 */
final class BootTrace {

    static final String PROPERTY = "otto.boot.trace";

    private final boolean on = Boolean.getBoolean(PROPERTY);
    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<String> steps = new ArrayList<>();

    void mark(String step) {
        if (on) {
            steps.add(step + " " + (System.currentTimeMillis() - jvmStart) + " ms");
        }
    }

    void print(PrintStream err) {
        if (on && !steps.isEmpty()) {
            err.println("otto: boot trace: " + String.join(", ", steps));
            steps.clear();
        }
    }
}
