package dev.otto.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.tools.SearchBackend;
import dev.otto.api.tools.SearchHit;
import dev.otto.api.tools.SearchResult;
import dev.otto.api.tools.ToolException;
import dev.otto.api.tools.ToolNotFoundException;
import dev.otto.api.tools.ToolStatus;

@Timeout(120)
class PortableToolsTest {

    @TempDir
    Path tmp;

    final RecordingLog log = new RecordingLog();

    @AfterEach
    void unlink() throws IOException {
        TestBin.unlinkAll(tmp);
    }

    PortableTools tools(TestBin bin) {
        return tools(bin, 10_000);
    }

    PortableTools tools(TestBin bin, int maxHits) {
        return new PortableTools(bin.path(), Map.of("LANG", "C.UTF-8"), Duration.ofSeconds(60), maxHits, log);
    }

    @Test
    void everythingWorksWithPython3AndGrepButNeitherRgNorPython() throws IOException {
        TestBin bin = new TestBin(tmp.resolve("bin")).links(List.of("python3", "grep"));
        PortableTools tools = tools(bin);

        List<ToolStatus> status = tools.tools();
        assertThat(status).extracting(ToolStatus::name).containsExactly("python3", "rg", "grep");
        assertThat(status.get(0).path()).isEqualTo(bin.dir.resolve("python3"));
        assertThat(status.get(0).version()).startsWith("Python 3.");
        assertThat(status.get(1).found()).isFalse();
        assertThat(status.get(1).note()).contains("grep -RIn");
        assertThat(status.get(2).path()).isEqualTo(bin.dir.resolve("grep"));
        assertThat(tools.python()).isEqualTo(bin.dir.resolve("python3"));
        assertThat(tools.searchBackend()).isEqualTo(SearchBackend.GREP);
        assertThat(tools.find("python")).isEmpty();
        assertThat(tools.path()).containsExactly(bin.dir);

        SearchResult result = tools.search("hello [0-9]+", sampleTree(tmp.resolve("tree")));
        assertThat(result.backend()).isEqualTo(SearchBackend.GREP);
        assertThat(result.truncated()).isFalse();
        assertThat(result.hits()).containsExactly(
                new SearchHit(".hidden/h.txt", 1, "hello 7 hidden"),
                new SearchHit("a.txt", 1, "hello 1"),
                new SearchHit("a.txt", 3, "say hello 2 again"),
                new SearchHit("crlf.txt", 2, "hello 5 crlf"),
                new SearchHit("ignored.log", 1, "hello 8 git-ignored"),
                new SearchHit("odd: name.txt", 1, "hello 6 colon"),
                new SearchHit("sub/deeper/c.md", 2, "hello 3 \u00e9t\u00e9"));
        assertThat(log.warnings).isEmpty();
    }

    @Test
    void pythonIsAcceptedWhenItReportsPython3() throws IOException {
        TestBin bin = new TestBin(tmp.resolve("bin")).link("python", "python3");

        PortableTools tools = tools(bin);

        assertThat(tools.python()).isEqualTo(bin.dir.resolve("python"));
        assertThat(tools.tools().get(0).note()).contains("python3 not found");
    }

    @Test
    void pythonReportingPython2IsNotAccepted() throws IOException {
        TestBin bin = new TestBin(tmp.resolve("bin")).link("grep").script("python", "echo 'Python 2.7.18' >&2");

        PortableTools tools = tools(bin);

        assertThatThrownBy(tools::python).isInstanceOf(ToolNotFoundException.class)
                .hasMessageContaining("looked for python3, then python reporting Python 3")
                .hasMessageContaining("python3 not found")
                .hasMessageContaining("reports \"Python 2.7.18\", not Python 3")
                .hasMessageContaining(bin.path())
                .satisfies(e -> assertThat(((ToolNotFoundException) e).candidates()).containsExactly("python3", "python"));
        assertThat(log.warnings).singleElement().asString().startsWith("no Python 3 interpreter");
    }

    @Test
    void noInterpreterAndNoSearchToolAreClearErrors() throws IOException {
        PortableTools tools = tools(new TestBin(tmp.resolve("empty")));

        assertThatThrownBy(tools::python).isInstanceOf(ToolNotFoundException.class)
                .hasMessageContaining("python3 not found; python not found");
        assertThatThrownBy(tools::searchBackend).isInstanceOf(ToolNotFoundException.class)
                .hasMessageContaining("neither rg nor grep");
        assertThatThrownBy(() -> tools.search("x", tmp)).isInstanceOf(ToolNotFoundException.class);
        assertThat(log.warnings).hasSize(2);
    }

    @Test
    void refreshFindsAToolInstalledLater() throws IOException {
        TestBin bin = new TestBin(tmp.resolve("bin")).link("grep");
        PortableTools tools = tools(bin);
        assertThat(tools.tools().get(0).found()).isFalse();

        bin.link("python3");
        assertThat(tools.tools().get(0).found()).as("the last lookup stays until refresh").isFalse();
        List<ToolStatus> after = tools.refresh();

        assertThat(after.get(0).path()).isEqualTo(bin.dir.resolve("python3"));
        assertThat(tools.python()).isEqualTo(bin.dir.resolve("python3"));
    }

    @Test
    void rgGivesTheSameResultsAsGrep() throws IOException {
        assertThat(TestBin.real("rg")).as("rg (ripgrep): not on PATH, and the build could not fetch Debian's"
                + " package into target/ripgrep (see the build's 'ripgrep:' line); install it (apt-get install -y"
                + " ripgrep) or let the build reach Debian's packages").isPresent();
        Path tree = sampleTree(tmp.resolve("tree"));
        PortableTools grep = tools(new TestBin(tmp.resolve("grep-bin")).link("grep"));
        PortableTools rg = tools(new TestBin(tmp.resolve("rg-bin")).links(List.of("rg", "grep")));
        assertThat(rg.searchBackend()).isEqualTo(SearchBackend.RG);
        assertThat(grep.searchBackend()).isEqualTo(SearchBackend.GREP);

        for (String pattern : List.of("hello", "hello [0-9]+", "^hello", "again$", "(colon|crlf)", "x\\.y", "[[:digit:]]{2,}",
                "-dash", "\u00e9t\u00e9", "no such text anywhere")) {
            SearchResult fromRg = rg.search(pattern, tree);
            SearchResult fromGrep = grep.search(pattern, tree);
            assertThat(fromRg.backend()).isEqualTo(SearchBackend.RG);
            assertThat(fromRg.hits()).as("pattern %s", pattern).isEqualTo(fromGrep.hits());
        }
        assertThat(rg.search("hello", tree).hits()).hasSize(7);
    }

    @Test
    void searchStopsAtTheHitLimit() throws IOException {
        Path tree = Files.createDirectories(tmp.resolve("many"));
        Files.writeString(tree.resolve("lines.txt"), "match\n".repeat(50_000));
        PortableTools tools = tools(new TestBin(tmp.resolve("bin")).link("grep"), 3);

        SearchResult result = tools.search("match", tree);

        assertThat(result.truncated()).isTrue();
        assertThat(result.hits()).hasSize(3);
    }

    @Test
    void searchFailuresAreOneLine() throws IOException {
        PortableTools tools = tools(new TestBin(tmp.resolve("bin")).link("grep"));

        assertThatThrownBy(() -> tools.search("(unclosed", tmp)).isInstanceOf(ToolException.class)
                .hasMessageStartingWith("grep failed with status 2: ");
        assertThatThrownBy(() -> tools.search("x", tmp.resolve("missing"))).isInstanceOf(ToolException.class)
                .hasMessageContaining("is not a folder");
        assertThatThrownBy(() -> tools.search("a\nb", tmp)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tools.find("../bin/sh")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandsAreArgumentListsWithThePatternAsOneArgument() {
        Path root = Path.of("/srv/tree");
        String pattern = "a; rm -rf / $(x) `y`";

        assertThat(PortableTools.grepCommand(Path.of("/bin/grep"), pattern, root)).containsExactly("/bin/grep", "-RIn",
                "--null", "--color=never", "--exclude-dir=node_modules", "--exclude=*.lock", "-E", "-e", pattern, "--",
                "/srv/tree");
        assertThat(PortableTools.rgCommand(Path.of("/bin/rg"), pattern, root)).startsWith("/bin/rg", "-n")
                .endsWith("-e", pattern, "--", "/srv/tree");
    }

    /** Files both backends must treat alike: hidden, git-ignored, excluded, binary, CRLF, odd names, UTF-8. */
    static Path sampleTree(Path root) throws IOException {
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.createDirectories(root.resolve("node_modules/pkg"));
        Files.createDirectories(root.resolve(".hidden"));
        Files.writeString(root.resolve("a.txt"), "hello 1\nnothing here\nsay hello 2 again\nx.y and xzy\n");
        Files.writeString(root.resolve("sub/b.txt"), "no greeting\n-dash line\n12 34\n");
        Files.writeString(root.resolve("sub/deeper/c.md"), "# title\nhello 3 \u00e9t\u00e9\n");
        Files.writeString(root.resolve("node_modules/pkg/index.js"), "hello 4 excluded\n");
        Files.writeString(root.resolve("yarn.lock"), "hello lock excluded\n");
        Files.writeString(root.resolve("crlf.txt"), "first\r\nhello 5 crlf\r\n");
        Files.writeString(root.resolve("odd: name.txt"), "hello 6 colon\n");
        Files.writeString(root.resolve(".hidden/h.txt"), "hello 7 hidden\n");
        Files.writeString(root.resolve(".gitignore"), "ignored.log\n");
        Files.writeString(root.resolve("ignored.log"), "hello 8 git-ignored\n");
        Files.write(root.resolve("blob.bin"), "\0\0\0hello binary\n".getBytes(StandardCharsets.UTF_8));
        return root;
    }
}
