package dev.otto.persistence;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

import dev.otto.api.job.Job;
import dev.otto.api.job.JobDraft;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.support.sqlite.Reporter;

/**
 * The child JVM of {@link DurabilityTest}: writes jobs from several threads through two
 * repositories (two connections) until it is killed, and prints each commit after it returned:
 * {@code created <id>} and {@code model <id>}. Any failure exits with status 3.
 */
public final class DurabilityChild {

    private static final ModelRef MODEL = ModelRef.parse("openai/gpt-5.2");

    private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private DurabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        say("opening");
        SqliteJobRepository first;
        SqliteJobRepository second;
        try {
            first = new SqliteJobRepository(JobDatabase.open(db, Reporter.NONE), Clock.systemUTC());
            second = new SqliteJobRepository(JobDatabase.open(db, Reporter.NONE), Clock.systemUTC());
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        say("ready");
        for (int t = 0; t < threads; t++) {
            SqliteJobRepository jobs = t % 2 == 0 ? first : second;
            String name = "writer-" + t;
            Thread writer = new Thread(() -> write(jobs, name), name);
            writer.start();
        }
    }

    private static void write(SqliteJobRepository jobs, String name) {
        try {
            for (int i = 0;; i++) {
                Job job = jobs.create(new JobDraft(name + "-" + i, Flow.SCHEDULED_TASKS, "0 3 * * *",
                        "Summarize the failures of the day.", true, null));
                say("created " + job.id());
                jobs.setModelRef(job.id(), MODEL);
                say("model " + job.id());
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** One write per line: the parent only counts lines that arrived whole. */
    private static synchronized void say(String line) {
        try {
            OUT.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            OUT.flush();
        } catch (IOException parentGone) {
            System.exit(4);
        }
    }

    private static void fail(Throwable e) {
        e.printStackTrace();
        System.exit(3);
    }
}
