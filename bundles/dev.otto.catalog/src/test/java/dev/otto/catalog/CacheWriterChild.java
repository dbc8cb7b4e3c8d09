package dev.otto.catalog;

import static dev.otto.catalog.OpenCodeAnswersTest.SOURCE;
import static dev.otto.catalog.OpenCodeAnswersTest.fixture;

import dev.otto.api.catalog.CatalogSnapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The child JVM of {@link CacheFileCrashTest}: writes the cache file over and over, alternating two
 * different real catalogs, and prints one line after each completed write, until it is killed.
 */
public final class CacheWriterChild {

    /** A child never outlives its test by much, even if the parent JVM dies without killing it. */
    private static final long LIFETIME_LIMIT_NANOS = 60_000_000_000L;

    private CacheWriterChild() {
    }

    /** The catalog with only the built-in provider. */
    static CatalogSnapshot a() throws Exception {
        return OpenCodeAnswers.snapshot(fixture("config-providers.no-keys.json"), fixture("config.no-model.json"),
                "1.18.33", SOURCE, Instant.parse("2026-11-21T10:00:00Z"));
    }

    /** The catalog with OpenAI connected and a global default: a much larger file than {@link #a()}. */
    static CatalogSnapshot b() throws Exception {
        return OpenCodeAnswers.snapshot(fixture("config-providers.openai-connected.json"),
                fixture("config.model-set.json"), "1.18.33", SOURCE, Instant.parse("2026-11-21T11:00:00Z"));
    }

    /**
     * Writes until killed.
     *
     * @param args the cache file's path
     */
    public static void main(String[] args) throws Exception {
        CacheFile cache = new CacheFile(Path.of(args[0]));
        CatalogSnapshot[] snapshots = {a(), b()};
        exitWhenTheParentIsGone();
        PrintStream out = System.out;
        long giveUp = System.nanoTime() + LIFETIME_LIMIT_NANOS;
        for (long i = 0; System.nanoTime() < giveUp; i++) {
            CatalogSnapshot snapshot = snapshots[(int) (i % 2)];
            cache.write(snapshot);
            out.println("wrote " + i + " " + snapshot.snapshotId());
            out.flush();
            if (out.checkError()) {
                System.exit(2); // nobody reads any more
            }
        }
        System.exit(3);
    }

    private static void exitWhenTheParentIsGone() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; end of input means it closed the pipe or died
                }
            } catch (IOException e) {
                // same as end of input
            }
            System.exit(4);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
