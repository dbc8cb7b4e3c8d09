package dev.otto.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one program from an argument list (never a shell) with an exact environment, a deadline
 * and bounded memory: output is streamed to a {@link Sink}, which may stop the program early. On
 * timeout the program and every process it started are killed, so a lingering grandchild cannot
 * hold the output pipe open.
 */
final class ProcessRun {

    /** How long to wait for a killed process and its output pumps. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** Receives output as it comes. */
    interface Sink {
        /** @return false when it has seen enough: the process is stopped and the rest discarded */
        boolean accept(byte[] buffer, int length);
    }

    /**
     * How the program ended.
     *
     * @param exitCode its exit status, or null when it was killed (timeout or stopped by the sink)
     * @param timedOut whether it ran out of time
     * @param stopped whether the sink stopped it
     * @param stderr the start of its stderr when kept apart from stdout, else empty
     * @param elapsed how long it ran
     */
    record Outcome(Integer exitCode, boolean timedOut, boolean stopped, String stderr, Duration elapsed) {
    }

    private ProcessRun() {
    }

    static Outcome run(List<String> argv, Map<String, String> environment, Path directory, Duration timeout,
            boolean mergeStderr, Sink stdout, int stderrLimit) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(mergeStderr);
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close(); // nothing to say: a program waiting for input sees end of file
        Pump out = new Pump(process.getInputStream(), stdout, process);
        Capture err = new Capture(stderrLimit);
        Pump errPump = mergeStderr ? null : new Pump(process.getErrorStream(), err, process);
        out.start();
        if (errPump != null) {
            errPump.start();
        }
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                killTree(process);
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        out.finish();
        if (errPump != null) {
            errPump.finish();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        boolean stopped = out.stopped;
        Integer exit = timedOut || stopped || process.isAlive() ? null : process.exitValue();
        return new Outcome(exit, timedOut, stopped, err.text(), elapsed);
    }

    /** Kills the process and its descendants, found before the parent dies and they are re-parented. */
    static void killTree(Process process) {
        for (int round = 0; round < 2; round++) {
            List<ProcessHandle> descendants = process.descendants().toList();
            descendants.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Copies one stream into a sink on its own daemon thread, draining it to the end. */
    private static final class Pump extends Thread {
        private final InputStream in;
        private final Sink sink;
        private final Process process;
        private volatile boolean stopped;

        Pump(InputStream in, Sink sink, Process process) {
            super("otto-tools-output");
            setDaemon(true);
            this.in = in;
            this.sink = sink;
            this.process = process;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!stopped && n > 0 && !sink.accept(buffer, n)) {
                        stopped = true;
                        killTree(process);
                    }
                }
            } catch (IOException e) {
                // the stream was closed under us (process killed, or finish() gave up): nothing more to read
            }
        }

        void finish() throws InterruptedException {
            join(GRACE.toMillis());
            if (isAlive()) {
                // a process outside the tree still holds the pipe: stop reading, leave it to the daemon thread
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }
    }

    /** Keeps the first {@code limit} bytes and counts the rest. */
    static final class Capture implements Sink {
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long total;

        Capture(int limit) {
            this.limit = limit;
        }

        @Override
        public synchronized boolean accept(byte[] buffer, int length) {
            total += length;
            int room = limit - kept.size();
            if (room > 0) {
                kept.write(buffer, 0, Math.min(room, length));
            }
            return true;
        }

        synchronized long total() {
            return total;
        }

        synchronized boolean truncated() {
            return total > kept.size();
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
