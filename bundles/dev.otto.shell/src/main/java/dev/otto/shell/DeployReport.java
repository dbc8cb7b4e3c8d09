package dev.otto.shell;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One log line per file of deploy/ that is not a bundle: a warning for a problem (a jar that will
 * never run), information for a file only ignored. Said once per file and state; said again when
 * the file leaves and comes back or its state changes. A jar not installed yet is FileInstall's
 * to install within its poll and is not reported.
 */
final class DeployReport {

    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final Set<String> said = new HashSet<>();

    DeployReport(Consumer<String> warn, Consumer<String> info) {
        this.warn = warn;
        this.info = info;
    }

    synchronized void report(List<DeployFolder.Entry> entries) {
        Set<String> now = new HashSet<>();
        for (DeployFolder.Entry entry : entries) {
            if (entry.state().equals(DeployFolder.NOT_INSTALLED)) {
                continue;
            }
            String line = entry.line();
            now.add(line);
            if (!said.contains(line)) {
                (entry.problem() ? warn : info).accept(line); // the log line escapes what the file name holds
            }
        }
        said.clear();
        said.addAll(now);
    }
}
