package dev.otto.support.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM for crash tests: runs a main class on the test's class path, reads what it prints
 * (a line counts only once its newline arrived, since a kill can cut the last one), counts the
 * lines it prints to acknowledge work, and is killed with {@code kill -9}
 * ({@link Process#destroyForcibly()}).
 */
public final class ChildJvm {

    private final List<String> lines = new ArrayList<>();
    private final Predicate<String> isAck;
    private final Process process;
    private final Path stderr;
    private final Thread reader;
    private int acks;

    private ChildJvm(Process process, Path stderr, Predicate<String> isAck) {
        this.process = process;
        this.stderr = stderr;
        this.isAck = isAck;
        this.reader = new Thread(this::read, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a child JVM (C1 only, serial GC: quick to start, and as killable as any).
     *
     * @param main the class whose {@code main} runs
     * @param stderr where its standard error goes, shown when it exits by itself
     * @param isAck which printed lines acknowledge work
     * @param args its arguments
     * @return the running child
     * @throws IOException if it cannot start
     */
    public static ChildJvm start(Class<?> main, Path stderr, Predicate<String> isAck, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildJvm(process, stderr, isAck);
    }

    /**
     * Returns the complete lines it printed so far.
     *
     * @return a copy, in order
     */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /**
     * Waits until it acknowledged {@code count} times.
     *
     * @throws AssertionError if it exits by itself (with its standard error) or the time runs out
     */
    public synchronized void awaitAcks(int count, Duration wait, String context) throws InterruptedException, IOException {
        await(() -> acks >= count, wait, context, "acknowledged only " + acks + " times");
    }

    /**
     * Waits until it printed a line.
     *
     * @throws AssertionError if it exits by itself (with its standard error) or the time runs out
     */
    public synchronized void awaitLine(String line, Duration wait, String context) throws InterruptedException, IOException {
        await(() -> lines.contains(line), wait, context, "did not print '" + line + "'");
    }

    /** Kills it with {@code kill -9} and waits until it and its output are gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(30));
    }

    private interface Condition {
        boolean met();
    }

    private void await(Condition condition, Duration wait, String context, String shortfall) throws InterruptedException,
            IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.met()) {
            if (!process.isAlive() && !reader.isAlive()) {
                throw new AssertionError("the child exited by itself with status " + process.exitValue() + " in "
                        + context + ":\n" + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the child " + shortfall + " within " + wait.toSeconds() + " s in " + context);
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    private void read() {
        StringBuilder line = new StringBuilder();
        try (InputStream in = process.getInputStream()) {
            for (int b; (b = in.read()) >= 0;) {
                if (b == '\n') {
                    synchronized (this) {
                        String text = line.toString();
                        lines.add(text);
                        if (isAck.test(text)) {
                            acks++;
                        }
                        notifyAll();
                    }
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
        } catch (IOException killed) {
            // the pipe closed with the process
        }
        synchronized (this) {
            notifyAll();
        }
    }
}
