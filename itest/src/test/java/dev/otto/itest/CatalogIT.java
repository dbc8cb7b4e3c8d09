package dev.otto.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogReaderService;

import dev.otto.api.catalog.CatalogFetchException;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.model.ModelRef;

/**
 * The catalog of a container fetched from a real OpenCode server of this test's own; then the
 * server is stopped and a refresh must keep the last good catalog, byte for byte.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class CatalogIT {

    /** This class's own server (the second test stops it), known in the container by system properties. */
    private static final String URL_PROPERTY = "otto.itest.opencode.url";
    private static final String PID_PROPERTY = "otto.itest.opencode.pid";

    @Inject
    private BundleContext context;

    @Inject
    private ModelCatalog catalog;

    @Inject
    private CommandProcessor commands;

    @Inject
    private LogReaderService logReader;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        OpenCodeServer server = OpenCodeServer.start();
        return org.ops4j.pax.exam.OptionUtils.combine(OttoContainer.options(server.url()),
                org.ops4j.pax.exam.CoreOptions.systemProperty(URL_PROPERTY).value(server.url().toString()),
                org.ops4j.pax.exam.CoreOptions.systemProperty(PID_PROPERTY).value(Long.toString(server.pid())));
    }

    private Path cacheFile() {
        return Path.of(context.getProperty("otto.data"), "model-catalog-cache.json");
    }

    @Test
    public void a_theCatalogComesFromTheRealServerAndNoKeyLeaks() throws Exception {
        CatalogSnapshot snapshot = catalog.snapshot();
        assertEquals(System.getProperty(URL_PROPERTY), snapshot.source().toString().replaceAll("/$", ""));
        assertEquals("1.18.33", snapshot.findOpencodeVersion().orElse(null));
        assertEquals(ModelRef.parse(OpenCodeServer.GLOBAL_DEFAULT), snapshot.findGlobalDefault().orElseThrow());
        CatalogProvider openai = snapshot.findProvider("openai").orElseThrow(() -> new AssertionError(
                "openai is connected (the server has a key): " + snapshot.providers().keySet()));
        assertTrue(openai.models().size() > 10);
        assertTrue(snapshot.isAvailable(ModelRef.parse("openai/gpt-5.3-codex")));
        assertTrue(snapshot.isAvailable(ModelRef.parse("openai/gpt-5.2")));
        assertFalse("the catalog of 1.18.33 has no gpt-5o", snapshot.isAvailable(ModelRef.parse("openai/gpt-5o")));
        assertFalse(snapshot.isAvailable(ModelRef.parse("openai-codex/gpt-5.3-codex")));

        assertTrue(Files.exists(cacheFile()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheFile())));
        String cached = Files.readString(cacheFile(), StandardCharsets.UTF_8);
        assertTrue(cached.contains(snapshot.snapshotId()));
        assertFalse("the provider key never reaches the cache", cached.contains(OpenCodeServer.CANARY_KEY));

        String text = execute("otto:catalog") + execute("otto:catalog openai") + execute("otto:catalog --json");
        assertTrue(text, text.contains("gpt-5.3-codex"));
        assertTrue(text, text.contains("openai/gpt-5.2"));
        assertFalse("the provider key never reaches the shell", text.contains(OpenCodeServer.CANARY_KEY));
    }

    @Test
    public void b_aFailedRefreshKeepsTheLastGoodCatalogAndCacheAndWarns() throws Exception {
        CatalogSnapshot before = catalog.snapshot();
        byte[] cacheBefore = Files.readAllBytes(cacheFile());
        ProcessHandle server = ProcessHandle.of(Long.parseLong(System.getProperty(PID_PROPERTY))).orElseThrow();
        server.descendants().forEach(ProcessHandle::destroy);
        server.destroy();
        server.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        try {
            catalog.refresh();
            fail("a refresh against a stopped server succeeded");
        } catch (CatalogFetchException expected) {
            assertEquals(CatalogFetchException.Cause.REFUSED, expected.failureCause());
        }
        assertEquals(before, catalog.snapshot());
        assertArrayEquals("the cache file is untouched", cacheBefore, Files.readAllBytes(cacheFile()));
        assertEquals(1, catalog.freshness().consecutiveFailures());
        assertTrue(catalog.freshness().findLastError().orElse("").contains("connection refused"));
        long warnings = Collections.list(logReader.getLog()).stream()
                .filter(e -> e.getLogLevel() == LogLevel.WARN)
                .map(LogEntry::getMessage)
                .filter(m -> m.startsWith("model catalog refresh failed") && m.contains("connection refused"))
                .count();
        assertEquals(1, warnings);
        String status = execute("otto:catalog");
        assertTrue(status, status.contains("connection refused (1 failure in a row)"));
    }

    private String execute(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            return String.valueOf(session.execute(command));
        }
    }
}
