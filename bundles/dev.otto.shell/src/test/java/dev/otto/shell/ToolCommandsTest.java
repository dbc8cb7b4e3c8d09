package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.otto.api.tools.SearchBackend;
import dev.otto.api.tools.SearchResult;
import dev.otto.api.tools.Sop;
import dev.otto.api.tools.SopLibrary;
import dev.otto.api.tools.ToolNotFoundException;
import dev.otto.api.tools.ToolResolver;
import dev.otto.api.tools.ToolStatus;

class ToolCommandsTest {

    static final Path FOLDER = Path.of("/opt/otto/sop");
    static final List<ToolStatus> GREP_ONLY = List.of(
            new ToolStatus("python3", List.of("python3", "python"), Path.of("/usr/bin/python3"), "Python 3.11.2", ""),
            new ToolStatus("rg", List.of("rg"), null, null, "not found on PATH: text search uses grep -RIn instead"),
            new ToolStatus("grep", List.of("grep"), Path.of("/usr/bin/grep"), "grep (GNU grep) 3.8", ""));

    static ToolResolver resolver(List<ToolStatus> statuses, SearchBackend backend) {
        return new ToolResolver() {
            @Override
            public List<ToolStatus> tools() {
                return statuses;
            }

            @Override
            public List<ToolStatus> refresh() {
                return statuses;
            }

            @Override
            public List<Path> path() {
                return List.of(Path.of("/usr/bin"), Path.of("/bin"));
            }

            @Override
            public Optional<Path> find(String name) {
                return Optional.empty();
            }

            @Override
            public Path python() {
                return Path.of("/usr/bin/python3");
            }

            @Override
            public SearchBackend searchBackend() {
                if (backend == null) {
                    throw new ToolNotFoundException(List.of("rg", "grep"), "neither");
                }
                return backend;
            }

            @Override
            public SearchResult search(String pattern, Path root) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static SopLibrary library(Map<String, String> texts) {
        return new SopLibrary() {
            @Override
            public Path folder() {
                return FOLDER;
            }

            @Override
            public List<String> names() {
                return texts.keySet().stream().sorted().toList();
            }

            @Override
            public Optional<Sop> find(String name) {
                return Optional.ofNullable(texts.get(name)).map(t -> new Sop(name, FOLDER.resolve(name + ".md"), t));
            }

            @Override
            public List<Sop> resolve(List<String> names) {
                return names.stream().map(this::find).flatMap(Optional::stream).toList();
            }

            @Override
            public String applyTo(String prompt, List<String> names) {
                return prompt;
            }
        };
    }

    @Test
    void toolsShowsEachToolAndTheSearchBackend() {
        ToolCommands commands = new ToolCommands(resolver(GREP_ONLY, SearchBackend.GREP), library(Map.of()));

        String text = commands.tools(false, false);

        assertThat(text).contains("TOOL     FOUND  PATH              VERSION              NOTE")
                .contains("rg       no     -                 -                    not found on PATH: text search uses grep -RIn instead")
                .contains("search backend: grep").contains("PATH: /usr/bin:/bin").contains("SOP folder: /opt/otto/sop");
        assertThat(commands.tools(true, true)).contains("\"search_backend\" : \"grep\"")
                .contains("\"looked_for\" : [ \"python3\", \"python\" ]").contains("\"found\" : false");
    }

    @Test
    void toolsSaysWhenThereIsNoSearchBackend() {
        ToolCommands commands = new ToolCommands(resolver(GREP_ONLY, null), null);

        assertThat(commands.tools(false, false)).contains("search backend: none (neither rg nor grep found)")
                .contains("SOP folder: (SOP library not running)");
        assertThat(commands.tools(true, false)).contains("\"search_backend\" : null");
    }

    @Test
    void sopListsAndShows() {
        ToolCommands commands = new ToolCommands(null,
                library(Map.of("python-env", "# SOP: Python environment\nUse python3.\n", "portable-search", "\n# Search\n")));

        assertThat(commands.sop(false)).contains("SOP folder: /opt/otto/sop")
                .contains("portable-search  Search").contains("python-env       SOP: Python environment");
        assertThat(commands.sop(false, "python-env")).isEqualTo("# SOP: Python environment\nUse python3.\n");
        assertThat(commands.sop(true, "python-env")).contains("\"file\" : \"/opt/otto/sop/python-env.md\"");
        assertThat(commands.sop(true)).contains("\"title\" : \"Search\"");
        assertThatThrownBy(() -> commands.sop(false, "gone")).hasMessage(
                "no SOP 'gone' in /opt/otto/sop; otto:sop lists the SOPs");
        assertThatThrownBy(() -> commands.tools(false, false)).hasMessageContaining("bundle dev.otto.tools");
    }

    @Test
    void anEmptyLibraryIsSaidPlainly() {
        assertThat(new ToolCommands(null, library(Map.of())).sop(false)).startsWith("No SOPs: /opt/otto/sop");
    }
}
