package dev.otto.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of turning OpenCode's whole catalog ({@code GET /provider}, 6.4 MB, 225 providers, 8218
 * models) into a snapshot, against a plain Jackson {@code readTree} of the same bytes as the
 * yardstick. The goal is parse + index within 2x of {@code readTree}.
 *
 * <p>It lives in package {@code dev.otto.catalog} because the parser is package-private: the
 * bundle exports nothing, and a public entry point only for a benchmark would widen it.
 *
 * <p>The answer is the real one captured from OpenCode 1.18.33, shipped in this module's
 * resources; {@code -Dotto.bench.providerList=/path/to/provider.json[.gz]} (passed to the fork
 * with {@code -jvmArgsAppend}) measures another capture.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CatalogParseBenchmark {

    private static final URI SOURCE = URI.create("http://127.0.0.1:4096");
    private static final Instant FETCHED_AT = Instant.parse("2026-11-21T10:00:00Z");

    private byte[] providerList;
    private byte[] config;
    private ObjectMapper mapper;

    /** Unpacks the answer once, outside the measurement, and checks it parses at all. */
    @Setup
    public void load() throws IOException, CatalogFetchException {
        String path = System.getProperty("otto.bench.providerList");
        try (InputStream raw = path == null
                ? CatalogParseBenchmark.class.getResourceAsStream("/provider.all.json.gz")
                : Files.newInputStream(Path.of(path))) {
            if (raw == null) {
                throw new IOException("provider.all.json.gz is missing from the benchmark's resources");
            }
            boolean gzipped = path == null || path.endsWith(".gz");
            providerList = gzipped ? new GZIPInputStream(raw).readAllBytes() : raw.readAllBytes();
        }
        config = "{\"model\":\"openai/gpt-5.2\"}".getBytes(StandardCharsets.UTF_8);
        mapper = new ObjectMapper();
        CatalogSnapshot all = parseAndIndexAll();
        System.out.printf("%nprovider list: %,d bytes, %d providers, %d models%n",
                providerList.length, all.providers().size(), all.modelCount());
    }

    /** The yardstick: a generic tree of every field, nothing validated or kept. */
    @Benchmark
    public JsonNode readTree() throws IOException {
        return mapper.readTree(providerList);
    }

    /**
     * What the runtime does with {@code GET /provider}: validate every provider, build records
     * and the content id for the connected ones.
     */
    @Benchmark
    public CatalogSnapshot parseAndIndexConnected() throws CatalogFetchException {
        return OpenCodeAnswers.snapshotFromProviderList(providerList, config, "1.18.33", SOURCE, FETCHED_AT);
    }

    /** The worst case: validate and index every provider and model, and hash all of it. */
    @Benchmark
    public CatalogSnapshot parseAndIndexAll() throws CatalogFetchException {
        return OpenCodeAnswers.snapshotOfAllProviders(providerList, config, "1.18.33", SOURCE, FETCHED_AT);
    }
}
