package dev.otto.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.tools.Sop;

class SopFolderTest {

    @TempDir
    Path tmp;

    final RecordingLog log = new RecordingLog();

    SopFolder library(Path folder) {
        return new SopFolder(folder, 1024, log);
    }

    @Test
    void aMissingFolderIsOneWarningAndNoSops() {
        SopFolder sops = library(tmp.resolve("no-such-folder"));

        assertThat(sops.names()).isEmpty();
        assertThat(sops.names()).isEmpty();
        assertThat(sops.resolve(List.of("python-env"))).isEmpty();
        assertThat(sops.applyTo("do the task", List.of("python-env"))).isEqualTo("do the task");

        assertThat(log.warnings).hasSize(2);
        assertThat(log.warnings.get(0)).contains("SOP folder " + tmp.resolve("no-such-folder") + " does not exist");
        assertThat(log.warnings.get(1)).startsWith("SOP \"python-env\" is not available");
    }

    @Test
    void anEmptyFolderIsOneWarning() throws IOException {
        SopFolder sops = library(Files.createDirectories(tmp.resolve("sop")));
        Files.writeString(tmp.resolve("sop/notes.txt"), "not an SOP");

        assertThat(sops.names()).isEmpty();
        assertThat(sops.names()).isEmpty();

        assertThat(log.warnings).singleElement().asString().endsWith("has no *.md file: no SOP is available");
    }

    @Test
    void eachMissingSopIsOneWarningAndTheOthersAreUsed() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("sop"));
        Files.writeString(folder.resolve("python-env.md"), "# Python\nUse python3.\n");
        Files.writeString(folder.resolve("deploy.md"), "# Deploy\nTag first.\n");
        SopFolder sops = library(folder);

        List<Sop> found = sops.resolve(List.of("deploy", "gone", "python-env.md", "gone", "also-gone"));
        sops.resolve(List.of("gone", "also-gone"));
        assertThat(sops.find("gone")).isEmpty();

        assertThat(found).extracting(Sop::name).containsExactly("deploy", "python-env");
        assertThat(found.get(1).text()).isEqualTo("# Python\nUse python3.\n");
        assertThat(found.get(1).file()).isEqualTo(folder.resolve("python-env.md"));
        assertThat(sops.names()).containsExactly("deploy", "python-env");
        assertThat(log.warnings).containsExactly(
                "SOP \"gone\" not found: no file " + folder.resolve("gone.md") + "; continuing without it",
                "SOP \"also-gone\" not found: no file " + folder.resolve("also-gone.md") + "; continuing without it");
    }

    @Test
    void aSopThatReturnsAndGoesAgainIsWarnedAboutAgain() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("sop"));
        SopFolder sops = library(folder);

        assertThat(sops.find("later")).isEmpty();
        Files.writeString(folder.resolve("later.md"), "text");
        assertThat(sops.find("later")).isPresent();
        Files.delete(folder.resolve("later.md"));
        assertThat(sops.find("later")).isEmpty();

        assertThat(log.warnings).hasSize(2);
    }

    @Test
    void sopTextComesBeforeThePrompt() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("sop"));
        Files.writeString(folder.resolve("python-env.md"), "Use python3.\n");
        Files.writeString(folder.resolve("portable-search.md"), "Fall back to grep.\n");

        String prompt = library(folder).applyTo("Fix the build.", List.of("python-env", "missing", "portable-search"));

        assertThat(prompt).isEqualTo("Follow these standard operating procedures (SOPs).\n\n"
                + "<!-- SOP: python-env -->\nUse python3.\n\n"
                + "<!-- SOP: portable-search -->\nFall back to grep.\n\n"
                + "---\n\nFix the build.");
    }

    @Test
    void namesCannotLeaveTheFolder() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("sop"));
        Files.writeString(tmp.resolve("secret.md"), "outside");
        SopFolder sops = library(folder);

        assertThatThrownBy(() -> sops.find("../secret")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid SOP name \"../secret\"");
        assertThat(sops.resolve(List.of("../secret", "/etc/passwd"))).isEmpty();
        assertThat(log.warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("is not valid"));
    }

    @Test
    void anOversizedSopIsSkippedWithAWarning() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("sop"));
        Files.writeString(folder.resolve("huge.md"), "x".repeat(2000));

        assertThat(library(folder).find("huge")).isEmpty();
        assertThat(log.warnings).singleElement().asString().contains("more than sopMaxBytes 1024");
    }

    @Test
    void theDefaultFolderIsSopUnderTheDistribution() {
        OttoPaths paths = new OttoPaths(Path.of("/cfg/config.jsonc"), Path.of("/data"));

        assertThat(SopFolder.folder("", "/opt/otto", paths)).isEqualTo(Path.of("/opt/otto/sop"));
        assertThat(SopFolder.folder("", null, paths)).isEqualTo(Path.of("/data/sop"));
        assertThat(SopFolder.folder(" /srv/sops ", "/opt/otto", paths)).isEqualTo(Path.of("/srv/sops"));
    }

    @Test
    void theDistributionShipsEverySopTheDefaultConfigurationReferences() throws Exception {
        String[] referenced = (String[]) ToolsConfig.class.getMethod("sops").getDefaultValue();
        assertThat(referenced).isNotEmpty();
        Path shipped = Repository.root().resolve("distribution/src/main/dist/sop");

        SopFolder sops = new SopFolder(shipped, 262_144, log);
        List<String> missing = sops.checkReferenced(Arrays.asList(referenced));

        assertThat(missing).isEmpty();
        assertThat(log.warnings).isEmpty();
        assertThat(sops.names()).contains(referenced);
    }
}
