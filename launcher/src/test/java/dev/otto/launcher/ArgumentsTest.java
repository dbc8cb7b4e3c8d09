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
        assertThat(Arguments.parse()).isEqualTo(new Arguments(Arguments.Mode.INTERACTIVE, List.of(), false, false));
    }

    @Test
    void runKeepsEachCommandWholeAndInOrder() {
        assertThat(Arguments.parse("run", "otto:status --json", "lb"))
                .isEqualTo(new Arguments(Arguments.Mode.RUN, List.of("otto:status --json", "lb"), false, false));
    }

    @Test
    void withOpenCodeGoesFirstAndWorksForBothForms() {
        assertThat(Arguments.parse("--with-opencode")).isEqualTo(new Arguments(Arguments.Mode.INTERACTIVE, List.of(), true, false));
        assertThat(Arguments.parse("--with-opencode", "run", "otto:catalog"))
                .isEqualTo(new Arguments(Arguments.Mode.RUN, List.of("otto:catalog"), true, false));
        assertThatThrownBy(() -> Arguments.parse("run", "--with-opencode", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--with-opencode goes before the commands: otto --with-opencode run '<command>'");
    }

    @Test
    void attachGoesRightAfterRunAndNeverWithAnOpenCodeToStart() {
        assertThat(Arguments.parse("run", "--attach", "otto:sinks"))
                .isEqualTo(new Arguments(Arguments.Mode.RUN, List.of("otto:sinks"), false, true));
        assertThatThrownBy(() -> Arguments.parse("run", "otto:sinks", "--attach"))
                .hasMessage("--attach goes before the commands: otto run --attach '<command>'");
        assertThatThrownBy(() -> Arguments.parse("--with-opencode", "run", "--attach", "lb"))
                .hasMessageContaining("leave out --with-opencode");
        assertThatThrownBy(() -> Arguments.parse("run", "--attach")).hasMessageContaining("'run' needs at least one command");
    }

    @Test
    void serviceVerbsTakeNoArgumentsAndOnlyTheBootingOnesTakeAnOpenCode() {
        assertThat(Arguments.parse("start").mode()).isEqualTo(Arguments.Mode.START);
        assertThat(Arguments.parse("--with-opencode", "serve")).isEqualTo(new Arguments(Arguments.Mode.SERVE, List.of(), true, false));
        assertThat(Arguments.parse("stop").mode()).isEqualTo(Arguments.Mode.STOP);
        assertThat(Arguments.parse("status").mode()).isEqualTo(Arguments.Mode.STATUS);
        assertThat(Arguments.parse("console").mode()).isEqualTo(Arguments.Mode.CONSOLE);
        assertThatThrownBy(() -> Arguments.parse("stop", "now")).hasMessage("'stop' takes no arguments, got 'now'");
        assertThatThrownBy(() -> Arguments.parse("--with-opencode", "console"))
                .hasMessage("--with-opencode starts an OpenCode for an Otto that boots; 'console' boots none");
    }

    @Test
    void theOpenCodeFlagMayAlsoFollowAVerbThatBoots() {
        assertThat(Arguments.parse("start", "--with-opencode")).isEqualTo(new Arguments(Arguments.Mode.START, List.of(), true, false));
        assertThat(Arguments.parse("serve", "--with-opencode")).isEqualTo(new Arguments(Arguments.Mode.SERVE, List.of(), true, false));
        assertThatThrownBy(() -> Arguments.parse("stop", "--with-opencode"))
                .hasMessage("--with-opencode starts an OpenCode for an Otto that boots; 'stop' boots none");
        assertThatThrownBy(() -> Arguments.parse("--with-opencode", "start", "--with-opencode"))
                .hasMessage("'start' takes no arguments, got '--with-opencode'");
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
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("otto [--with-opencode] run [--attach] '<command>'", "otto stop");
    }
}
