package dev.otto.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The project's own docs and scripts follow its portability rules: Python is called
 * {@code python3}, never bare {@code python}, and {@code rg} is only called next to the
 * {@code grep -RIn} fallback. Checked: every README.md, {@code .ci/}, the distribution's
 * {@code bin/}, its SOP files and shell scripts; never build output or the shared workspace.
 */
class PortableDocsTest {

    /** {@code python} run as a command: a word of its own followed by an argument or the end of the line. */
    static final Pattern BARE_PYTHON = Pattern.compile("(^|[\\s`'\"(;|&/])python(\\s|$)");
    /** {@code rg} run as a command. */
    static final Pattern RG_COMMAND = Pattern.compile("(^|[\\s`'\"(;|&/])rg(\\s+[^\\s`]|\\s*$)");
    static final String FALLBACK = "grep -RIn";
    /** How far (in lines) the fallback may be from the {@code rg} call it backs up. */
    static final int NEAR = 10;

    @Test
    void docsAndScriptsUsePython3AndThePortableSearch() throws IOException {
        Path root = Repository.root();
        List<Path> files = checkedFiles(root);
        assertThat(files).as("the files this test reads").contains(root.resolve("README.md"),
                root.resolve(".ci/run"), root.resolve("distribution/src/main/dist/bin/otto"),
                root.resolve("distribution/src/main/dist/sop/python-env.md"));

        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String problem : problems(lines)) {
                problems.add(root.relativize(file) + ":" + problem);
            }
        }

        assertThat(problems).as("use python3, and rg only with the grep -RIn fallback "
                + "(distribution/src/main/dist/sop/portable-search.md)").isEmpty();
    }

    @Test
    void theRulesCatchBareCommandsAndAcceptPortableOnes() {
        assertThat(problems(List.of("python script.py"))).hasSize(1);
        assertThat(problems(List.of("#!/usr/bin/env python"))).hasSize(1);
        assertThat(problems(List.of("run `python -m venv .venv`"))).hasSize(1);
        assertThat(problems(List.of("x=$(rg -n TODO src/)"))).hasSize(1);
        assertThat(problems(List.of("rg TODO", "", "echo done"))).hasSize(1);

        assertThat(problems(List.of("python3 script.py", "the python-env SOP", "a `python` alias is not enough",
                "Python 3 only", "mention `rg` by name", "`rg` (ripgrep)"))).isEmpty();
        assertThat(problems(List.of("if command -v rg >/dev/null 2>&1; then", "  rg -n \"X\" path/", "else",
                "  grep -RIn --exclude-dir=node_modules --exclude='*.lock' -E \"X\" path/", "fi"))).isEmpty();
    }

    static List<String> problems(List<String> lines) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (BARE_PYTHON.matcher(line).find()) {
                problems.add((i + 1) + ": bare python (use python3): " + line.strip());
            }
            if (RG_COMMAND.matcher(line).find() && !fallbackNear(lines, i)) {
                problems.add((i + 1) + ": rg without the grep -RIn fallback: " + line.strip());
            }
        }
        return problems;
    }

    private static boolean fallbackNear(List<String> lines, int index) {
        for (int i = Math.max(0, index - NEAR); i <= Math.min(lines.size() - 1, index + NEAR); i++) {
            if (lines.get(i).contains(FALLBACK)) {
                return true;
            }
        }
        return false;
    }

    static List<Path> checkedFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !excluded(root.relativize(p)))
                    .filter(p -> checked(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean excluded(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.equals("node_modules") || name.equals(".git") || name.equals("shared")) {
                return true;
            }
        }
        return false;
    }

    private static boolean checked(Path relative) {
        String path = relative.toString().replace('\\', '/');
        String name = relative.getFileName().toString();
        return name.equals("README.md")
                || path.startsWith(".ci/")
                || path.startsWith("distribution/src/main/dist/bin/")
                || path.startsWith("distribution/src/main/dist/sop/")
                || name.endsWith(".sh");
    }
}
