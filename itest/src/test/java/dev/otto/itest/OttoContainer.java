package dev.otto.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;

/**
 * The one container setup of the Pax Exam tests: exactly the bundles of the built distribution's
 * {@code bundle/} folder (minus the interactive Gogo console, which would read the test's stdin),
 * a fresh data folder and a FileInstall-watched deploy folder of its own.
 */
public final class OttoContainer {

    /** A library in the distribution, never started there (the launcher keeps it at an unreached start level). */
    static final String GOGO_JLINE = "org.apache.felix.gogo.jline";

    private OttoContainer() {
    }

    /** The built distribution, {@code distribution/target/otto}. */
    public static Path distribution() {
        Path dir = Path.of(required("otto.distribution"));
        if (!Files.isDirectory(dir.resolve("bundle"))) {
            throw new IllegalStateException("no distribution at " + dir + ": build it first (mvn verify from the root)");
        }
        return dir;
    }

    /** The jars of the distribution's {@code bundle/} folder. */
    public static List<Path> distributionBundles() {
        try (Stream<Path> jars = Files.list(distribution().resolve("bundle"))) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bundle built by the reactor for the tests only ({@code plugin}, {@code broken}). */
    public static Path testBundle(String name) {
        return Path.of(required("otto.testBundles")).resolve("dev.otto.itest." + name + ".jar");
    }

    /** A new folder under the module's {@code target/itest-work}. */
    public static Path workFolder(String prefix) {
        try {
            Path work = Path.of(required("otto.itest.work"));
            Files.createDirectories(work);
            return Files.createTempDirectory(work, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container against the JVM's shared OpenCode server. */
    public static Option[] options() {
        return options(OpenCodeServer.shared().url());
    }

    /**
     * The container with its catalog pointed at {@code opencodeUrl}, written into the container's
     * config.jsonc ({@link #configFor}).
     */
    public static Option[] options(java.net.URI opencodeUrl) {
        return options(opencodeUrl, "");
    }

    /** The container with its catalog at {@code opencodeUrl} and more {@code modelManagement} sections. */
    public static Option[] options(java.net.URI opencodeUrl, String moreSections) {
        Path data = workFolder("data-");
        try {
            Files.writeString(data.resolve("config.jsonc"), configFor(opencodeUrl, moreSections));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path deploy = workFolder("deploy-");
        List<Option> options = new ArrayList<>();
        for (Path jar : distributionBundles()) {
            options.add(bundle(jar.toUri().toString()).start(!jar.getFileName().toString().startsWith(GOGO_JLINE)));
        }
        options.add(junitBundles());
        // as conf/config.properties: the console socket checks its peers with jdk.net's SO_PEERCRED
        options.add(systemPackage("jdk.net"));
        options.add(systemProperty("otto.data").value(data.toString()));
        options.add(systemProperty("otto.config").value(data.resolve("config.jsonc").toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(deploy.toString()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.fileinstall.bundles.new.start").value("true"));
        options.add(frameworkProperty("org.apache.felix.log.maxSize").value("1000"));
        options.add(frameworkProperty("ds.loglevel").value("warn"));
        // as conf/config.properties: Otto's INFO lines reach the log (Felix Log's own default is WARN)
        options.add(frameworkProperty("org.osgi.service.log.admin.loglevel").value("INFO"));
        options.add(cleanCaches(true));
        return options.toArray(new Option[0]);
    }

    /** A config.jsonc whose catalog points at {@code opencodeUrl}, plus more {@code modelManagement} sections. */
    public static String configFor(java.net.URI opencodeUrl, String moreSections) {
        return "{\n  \"modelManagement\": {\n    \"catalog\": {\"opencodeUrl\": \"" + opencodeUrl + "\"},\n"
                + (moreSections.isEmpty() ? "" : "    " + moreSections + ",\n") + "  },\n}\n";
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
        }
        return value;
    }
}
