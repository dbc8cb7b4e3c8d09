package dev.otto.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What in {@code deploy/} FileInstall has not made a bundle, and why. FileInstall installs the
 * jars that are bundles and turns {@code *.cfg} / {@code *.config} into configurations; anything
 * else it ignores without a word. Here a {@code .jar} that is not a bundle (unreadable, or no
 * {@code Bundle-SymbolicName}) is a problem: someone put it there to run and it never will. Any
 * other file (a README, a note) is only shown: nothing was meant to run from it.
 */
final class DeployFolder {

    /** The state of a bundle jar FileInstall has not installed yet (it polls every second). */
    static final String NOT_INSTALLED = "is not installed yet";

    private DeployFolder() {
    }

    /** One file of deploy/ that is not running as a bundle. */
    record Entry(String file, String state, boolean problem) {
        /** The operator's line: {@code deploy/foo.txt is not a bundle: ignored}. */
        String line() {
            return "deploy/" + file + " " + state;
        }
    }

    /**
     * The files of {@code dir} that are not running as a bundle, by name.
     *
     * @param installed the locations of the installed bundles (a jar is installed when one ends with its name)
     */
    static List<Entry> inspect(Path dir, Collection<String> installed) {
        List<Entry> entries = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.sorted().collect(Collectors.toList());
        } catch (IOException missingOrUnreadable) {
            return entries;
        }
        for (Path path : files) {
            String name = path.getFileName().toString();
            if (name.startsWith(".") || name.endsWith(".cfg") || name.endsWith(".config") || Files.isDirectory(path)) {
                continue;
            }
            if (!name.endsWith(".jar")) {
                entries.add(new Entry(name, "is not a bundle: ignored", false));
                continue;
            }
            if (installed.stream().anyMatch(location -> location.endsWith("/" + name))) {
                continue;
            }
            String notABundle = notABundle(path);
            entries.add(notABundle == null ? new Entry(name, NOT_INSTALLED, true)
                    : new Entry(name, "is not a bundle (" + notABundle + "): ignored; replace it with the plugin's"
                            + " bundle jar or remove it", true));
        }
        return entries;
    }

    /** Why the jar at {@code path} is no bundle, or null when it is one. */
    private static String notABundle(Path path) {
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                return "it has no manifest";
            }
            String name = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            return name == null || name.isBlank() ? "its manifest has no Bundle-SymbolicName" : null;
        } catch (IOException | SecurityException e) {
            return "not a readable jar";
        }
    }
}
