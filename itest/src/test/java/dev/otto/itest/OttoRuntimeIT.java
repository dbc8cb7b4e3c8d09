package dev.otto.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.spi.TelemetrySink;

/**
 * The distribution's bundle set booted in Felix, checked the way an operator would: everything
 * active, {@code otto:status} answering, a broken component named with its reason, and plugins
 * and configuration hot-deployed through FileInstall.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OttoRuntimeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PLUGIN_FILTER = "(otto.plugin.name=itest-counting)";

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin configAdmin;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return OttoContainer.options();
    }

    @Test
    public void everyOttoBundleOfTheDistributionIsActiveAndEveryComponentSatisfied() throws Exception {
        Set<String> shipped = new TreeSet<>();
        for (Path jar : OttoContainer.distributionBundles()) {
            try (JarFile file = new JarFile(jar.toFile())) {
                String bsn = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim();
                if (bsn.startsWith("dev.otto.")) {
                    shipped.add(bsn);
                }
            }
        }
        assertTrue("the distribution ships Otto bundles: " + shipped,
                shipped.containsAll(List.of("dev.otto.api", "dev.otto.logging", "dev.otto.shell")));

        Eventually.awaitTrue("every Otto bundle active with all components satisfied", WAIT,
                () -> problems(shipped).isEmpty());
        assertEquals(shipped, ottoBundles().stream().map(Bundle::getSymbolicName).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    public void statusRunsThroughTheCommandProcessor() throws Exception {
        String awaited = String.valueOf(execute("otto:await --timeout 30"));
        assertTrue(awaited, awaited.startsWith("Ready in"));

        JsonNode status = new ObjectMapper().readTree(String.valueOf(execute("otto:status --json")));
        assertTrue(status.toString(), status.get("ready").asBoolean());
        assertEquals(context.getProperty("otto.data"), status.get("data_dir").asText());
        List<String> active = new ArrayList<>();
        status.get("bundles").forEach(b -> {
            if ("active".equals(b.get("state").asText())) {
                active.add(b.get("symbolic_name").asText());
            }
        });
        assertTrue(active.toString(), active.containsAll(List.of("dev.otto.api", "dev.otto.logging", "dev.otto.shell")));

        String text = String.valueOf(execute("otto:status"));
        assertTrue(text, text.contains("dev.otto.shell.StatusCommands"));
        assertTrue(text, text.contains("Ready:"));
    }

    @Test
    public void awaitNamesEachBrokenComponentAndWhy() throws Exception {
        Bundle broken = context.installBundle(OttoContainer.testBundle("broken").toUri().toString());
        try {
            broken.start();
            try {
                execute("otto:await --timeout 20 --settle 1");
                fail("otto:await succeeded with a failing and an unsatisfied component");
            } catch (IllegalStateException expected) {
                String message = expected.getMessage();
                assertTrue(message, message.contains("dev.otto.itest.broken.FailingComponent"));
                assertTrue(message, message.contains("activation failed: deliberately broken for the integration tests"));
                assertTrue(message, message.contains("dev.otto.itest.broken.OrphanComponent"));
                assertTrue(message, message.contains("no dev.otto.api.spi.TelemetrySink matching (otto.plugin.name=no-such-sink)"));
            }
            JsonNode status = new ObjectMapper().readTree(String.valueOf(execute("otto:status --json")));
            assertTrue(status.toString(), !status.get("ready").asBoolean());
            assertEquals(status.toString(), 2, status.get("problems").size());
        } finally {
            broken.uninstall();
        }
        String awaited = String.valueOf(execute("otto:await --timeout 20"));
        assertTrue(awaited, awaited.startsWith("Ready in"));
    }

    @Test
    public void aPluginJarDroppedIntoDeployIsInstalledUpdatedAndRemoved() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path jar = deploy.resolve("dev.otto.itest.plugin.jar");
        assertNull("no plugin before the drop", pluginService());

        Files.copy(OttoContainer.testBundle("plugin"), jar);
        ServiceReference<TelemetrySink> registered = Eventually.await("the dropped plugin's TelemetrySink service", WAIT, this::pluginService);
        Bundle plugin = registered.getBundle();
        assertEquals("dev.otto.itest.plugin", plugin.getSymbolicName());
        assertEquals(Bundle.ACTIVE, plugin.getState());
        TelemetrySink sink = context.getService(registered);
        assertEquals("itest-counting", sink.name());
        context.ungetService(registered);

        long installedAt = plugin.getLastModified();
        Path replacement = Files.copy(OttoContainer.testBundle("plugin"), deploy.resolve("replacement.tmp"));
        Files.setLastModifiedTime(replacement, FileTime.from(Instant.now().plusSeconds(5)));
        Files.move(replacement, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Eventually.awaitTrue("the replaced jar to update the bundle", WAIT, () -> plugin.getLastModified() > installedAt);
        Eventually.await("the updated plugin's service", WAIT, this::pluginService);

        Files.delete(jar);
        Eventually.awaitTrue("the deleted plugin to be uninstalled", WAIT, () -> plugin.getState() == Bundle.UNINSTALLED);
        assertNull("no plugin service after the delete", pluginService());
    }

    @Test
    public void aCfgFileInDeployReachesConfigAdmin() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path cfg = deploy.resolve("dev.otto.itest.sample.cfg");
        Files.writeString(cfg, "answer = 42\n", StandardCharsets.UTF_8);
        Configuration configuration = Eventually.await("the .cfg file as a configuration", WAIT, () -> sampleConfiguration());
        assertEquals("42", String.valueOf(configuration.getProperties().get("answer")));

        Files.delete(cfg);
        Eventually.awaitTrue("the configuration to go with its file", WAIT, () -> sampleConfiguration() == null);
    }

    private Configuration sampleConfiguration() {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=dev.otto.itest.sample)");
            return found == null ? null : found[0];
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private ServiceReference<TelemetrySink> pluginService() {
        try {
            return context.getServiceReferences(TelemetrySink.class, PLUGIN_FILTER).stream().findFirst().orElse(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Object execute(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            return session.execute(command);
        }
    }

    private List<Bundle> ottoBundles() {
        return Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.otto."))
                .collect(Collectors.toList());
    }

    /** What is not yet as it should be, for a readable failure. */
    private List<String> problems(Set<String> shipped) {
        List<String> problems = new ArrayList<>();
        Set<String> present = new TreeSet<>();
        for (Bundle bundle : ottoBundles()) {
            present.add(bundle.getSymbolicName());
            if (bundle.getState() != Bundle.ACTIVE) {
                problems.add(bundle.getSymbolicName() + " state " + bundle.getState());
            }
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state != ComponentConfigurationDTO.ACTIVE
                            && configuration.state != ComponentConfigurationDTO.SATISFIED) {
                        problems.add(description.name + " state " + configuration.state);
                    }
                }
            }
        }
        if (!present.containsAll(shipped)) {
            problems.add("missing bundles: present " + present + ", shipped " + shipped);
        }
        return problems;
    }
}
