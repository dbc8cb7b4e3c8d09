package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogReaderService;

import dev.otto.api.config.ConfigPids;
import dev.otto.api.config.ConfigStatus;
import dev.otto.api.config.OttoConfiguration;
import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;

/**
 * The config file of a running container edited the ways an operator edits it: valid edits are
 * published live, an invalid one changes nothing and is reported once, and a burst of edits ends
 * on the last one without anything partial in between.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveConfigIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    private BundleContext context;

    @Inject
    private OttoConfiguration config;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private LogReaderService logReader;

    @org.ops4j.pax.exam.Configuration
    public Option[] options() {
        return OttoContainer.options();
    }

    private Path file() {
        return Path.of(context.getProperty("otto.config"));
    }

    /** Writes the way editors save: a temporary file renamed over the old one. */
    private void save(String content) throws Exception {
        Path temp = file().resolveSibling(".config.jsonc.swp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String heartbeat(String model, String deadline) {
        return "// edited live\n" + OttoContainer.configFor(OpenCodeServer.shared().url(),
                "\"flowDefaults\": {\"heartbeat\": \"" + model + "\"},\n    \"routing\": {\"runDeadline\": \"" + deadline + "\"}");
    }

    private List<String> publishedFlowDefaults() throws Exception {
        Configuration[] found = configAdmin.listConfigurations("(service.pid=" + ConfigPids.ROUTING + ")");
        if (found == null) {
            return List.of();
        }
        return Arrays.asList((String[]) found[0].getProperties().get("flowDefaults"));
    }

    /** Log entries saying a version was rejected while {@code version} stayed in force ("" for any). */
    private long rejections(String version) {
        return Collections.list(logReader.getLog()).stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains(" rejected, version " + version))
                .count();
    }

    @Test
    public void editsApplyLiveAnInvalidOneChangesNothingAndIsReportedOnce() throws Exception {
        save(heartbeat("openai/gpt-5.4-mini", "PT5M"));
        // the deadline is unique to this edit: the other test may have left the same flow default behind
        Eventually.awaitTrue("the new version published through Config Admin", WAIT,
                () -> call(() -> "PT5M".equals(String.valueOf(configAdmin.getConfiguration(ConfigPids.ROUTING, "?")
                        .getProperties().get("runDeadline")))));
        assertTrue(publishedFlowDefaults().contains("heartbeat=openai/gpt-5.4-mini"));
        assertEquals("the service is never behind Config Admin", Duration.ofMinutes(5), config.current().routing().runDeadline());
        assertEquals(ModelRef.parse("openai/gpt-5.4-mini"), config.current().flowDefaults().forFlow(Flow.HEARTBEAT).orElseThrow());
        String good = config.current().versionId();

        save(OttoContainer.configFor(OpenCodeServer.shared().url(), "\"flowDefaults\": {\"heartbeat\": \"missing-slash\"}"));
        Eventually.awaitTrue("the invalid version rejected", WAIT, () -> config.status().state() == ConfigStatus.State.REJECTED);
        assertEquals(good, config.current().versionId());
        assertTrue(publishedFlowDefaults().contains("heartbeat=openai/gpt-5.4-mini"));

        save(heartbeat("openai/gpt-5.2", "PT5M"));
        Eventually.awaitTrue("the fixed file applied", WAIT,
                () -> config.current().flowDefaults().forFlow(Flow.HEARTBEAT).map(ModelRef::toString).orElse("").equals("openai/gpt-5.2"));
        assertEquals(ConfigStatus.State.APPLIED, config.status().state());
        assertEquals("exactly one error for the bad version", 1, rejections(good));
        Eventually.awaitTrue("Config Admin follows the fix", WAIT,
                () -> call(() -> publishedFlowDefaults().contains("heartbeat=openai/gpt-5.2")));
    }

    @Test
    public void aHundredRapidEditsEndOnTheLastAndNothingPartialApplies() throws Exception {
        Set<String> seenDeadlines = ConcurrentHashMap.newKeySet();
        ConfigurationListener listener = event -> {
            if (event.getType() == ConfigurationEvent.CM_UPDATED && ConfigPids.ROUTING.equals(event.getPid())) {
                seenDeadlines.add(String.valueOf(call(() -> configAdmin.getConfiguration(ConfigPids.ROUTING, "?")
                        .getProperties().get("runDeadline"))));
            }
        };
        var registration = context.registerService(ConfigurationListener.class, listener, null);
        long rejectedBefore = rejections("");
        try {
            for (int i = 1; i <= 100; i++) {
                save(heartbeat("openai/gpt-5.4-mini", "PT" + i + "S"));
            }
            Eventually.awaitTrue("the last of 100 edits in force", WAIT,
                    () -> config.current().routing().runDeadline().equals(Duration.ofSeconds(100)));
            Eventually.awaitTrue("Config Admin carries the last edit", WAIT, () -> seenDeadlines.contains("PT1M40S"));
            for (String deadline : seenDeadlines) {
                long seconds = Duration.parse(deadline).toSeconds();
                assertTrue("only complete edits are published, saw " + deadline, seconds >= 1 && seconds <= 100);
            }
            assertEquals(ConfigStatus.State.APPLIED, config.status().state());
            assertEquals("no edit was rejected", rejectedBefore, rejections(""));
        } finally {
            registration.unregister();
        }
    }

    /** A checked call inside a lambda. */
    private static <T> T call(java.util.concurrent.Callable<T> callable) {
        try {
            return callable.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
