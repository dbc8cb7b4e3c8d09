package dev.otto.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void noArgumentsIsTheInteractiveShell() {
        assertThat(Arguments.parse()).isEqualTo(new Arguments(Arguments.Mode.INTERACTIVE, List.of(), false));
    }

    @Test
    void runKeepsEachCommandWholeAndInOrder() {
        assertThat(Arguments.parse("run", "otto:status --json", "lb"))
                .isEqualTo(new Arguments(Arguments.Mode.RUN, List.of("otto:status --json", "lb"), false));
    }

    @Test
    void withOpenCodeGoesFirstAndWorksForBothForms() {
        assertThat(Arguments.parse("--with-opencode")).isEqualTo(new Arguments(Arguments.Mode.INTERACTIVE, List.of(), true));
        assertThat(Arguments.parse("--with-opencode", "run", "otto:catalog"))
                .isEqualTo(new Arguments(Arguments.Mode.RUN, List.of("otto:catalog"), true));
        assertThatThrownBy(() -> Arguments.parse("run", "--with-opencode", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--with-opencode goes before 'run': otto --with-opencode run '<command>'");
    }

    @Test
    void helpHasThreeSpellings() {
        for (String help : List.of("--help", "-h", "help")) {
            assertThat(Arguments.parse(help).mode()).isEqualTo(Arguments.Mode.HELP);
        }
    }

    @Test
    void wrongArgumentsSayWhatWasWrong() {
        assertThatThrownBy(() -> Arguments.parse("run")).hasMessageContaining("'run' needs at least one command");
        assertThatThrownBy(() -> Arguments.parse("run", " ")).hasMessage("'run' was given an empty command");
        assertThatThrownBy(() -> Arguments.parse("--verbose")).hasMessage("unknown argument '--verbose'");
    }

    @Test
    void theLauncherPrintsUsageAndExitsTwoOnBadArgumentsWithoutBooting() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Launcher launcher = new Launcher(Path.of("/nonexistent"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(launcher.launch("run")).isEqualTo(Launcher.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("otto: 'run' needs at least one command", "Usage:");
        assertThat(launcher.launch("--help")).isEqualTo(Launcher.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("otto [--with-opencode] run '<command>'");
    }
}
