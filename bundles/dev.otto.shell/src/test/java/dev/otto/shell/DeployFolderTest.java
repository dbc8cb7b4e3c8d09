package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFolderTest {

    @TempDir
    Path deploy;

    private void jar(String name, String symbolicName) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        try (OutputStream out = Files.newOutputStream(deploy.resolve(name)); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    @Test
    void aJarThatIsNoBundleIsAProblemAnotherFileIsOnlyShownAndConfigurationsAndInstalledBundlesAreNotListed() throws Exception {
        Files.writeString(deploy.resolve("README.txt"), "notes");
        Files.writeString(deploy.resolve("broken.jar"), "not a zip");
        jar("plain.jar", null);
        jar("plugin.jar", "com.example.plugin");
        jar("running.jar", "com.example.running");
        Files.writeString(deploy.resolve("dev.otto.router.cfg"), "x=1");
        Files.writeString(deploy.resolve(".hidden"), "");
        Files.createDirectories(deploy.resolve("sub"));

        List<DeployFolder.Entry> entries = DeployFolder.inspect(deploy, List.of("file:" + deploy.resolve("running.jar")));

        assertThat(entries).extracting(DeployFolder.Entry::line).containsExactly(
                "deploy/README.txt is not a bundle: ignored",
                "deploy/broken.jar is not a bundle (not a readable jar): ignored; replace it with the plugin's bundle jar or remove it",
                "deploy/plain.jar is not a bundle (its manifest has no Bundle-SymbolicName): ignored; replace it with the plugin's"
                        + " bundle jar or remove it",
                "deploy/plugin.jar is not installed yet");
        assertThat(entries).extracting(DeployFolder.Entry::problem).containsExactly(false, true, true, true);
        assertThat(DeployFolder.inspect(deploy.resolve("missing"), List.of())).isEmpty();
    }

    @Test
    void eachIgnoredFileIsLoggedOnceAndAgainWhenItComesBack() {
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        DeployReport report = new DeployReport(warnings::add, notes::add);
        DeployFolder.Entry readme = new DeployFolder.Entry("README.txt", "is not a bundle: ignored", false);
        DeployFolder.Entry broken = new DeployFolder.Entry("x.jar", "is not a bundle (not a readable jar): ignored", true);
        DeployFolder.Entry pending = new DeployFolder.Entry("p.jar", DeployFolder.NOT_INSTALLED, true);
        report.report(List.of(readme, broken, pending));
        report.report(List.of(readme, broken, pending));
        report.report(List.of(readme));
        report.report(List.of(readme, broken));
        assertThat(notes).containsExactly("deploy/README.txt is not a bundle: ignored");
        assertThat(warnings).containsExactly("deploy/x.jar is not a bundle (not a readable jar): ignored",
                "deploy/x.jar is not a bundle (not a readable jar): ignored");
    }

    @Test
    void aProblemNamingAFileIsPrintedEscaped() {
        RuntimeStatus status = new RuntimeStatus("1", "Apache Felix 7", "17", java.time.Duration.ZERO, "/d", "/c", true,
                "/d/logs/otto.log", List.of(), List.of(),
                List.of(new DeployFolder.Entry("x\u001b[2J\u202e.jar", "is not a bundle (not a readable jar): ignored", true),
                        new DeployFolder.Entry("README.txt", "is not a bundle: ignored", false)),
                List.of(), java.time.Instant.EPOCH, RuntimeStatus.Reading.missing("none"), RuntimeStatus.Reading.missing("none"));
        assertThat(status.problems()).hasSize(1);
        assertThat(status.toText()).doesNotContain("\u001b", "\u202e")
                .contains("  - deploy/x\\u001b[2J\\u202e.jar is not a bundle (not a readable jar): ignored")
                .containsPattern("deploy/README.txt +is not a bundle: ignored");
    }
}
