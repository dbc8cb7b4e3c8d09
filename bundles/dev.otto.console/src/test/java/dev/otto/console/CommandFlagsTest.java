package dev.otto.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.jline.builtins.Completers.CompletionData;
import org.junit.jupiter.api.Test;

class CommandFlagsTest {

    /** Shaped like the otto:* commands: a flag, an option with a value, a positional argument. */
    public static final class Sample {
        @Descriptor("show the plan")
        public String plan(
                @Descriptor("print JSON instead of text")
                @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json,
                @Descriptor("the flow to plan for")
                @Parameter(names = { "-f", "--flow" }, absentValue = "") String flow,
                @Descriptor("the prompt") String prompt) {
            return "";
        }
    }

    @Test
    void theFlagsOfACommandComeFromItsAnnotations() {
        List<CompletionData> flags = CommandFlags.of(Sample.class, "plan");
        assertThat(flags.stream().map(f -> f.options + " " + f.description + " " + f.argument).collect(Collectors.toList()))
                .containsExactly("[--json] print JSON instead of text null", "[-f, --flow] the flow to plan for value");
        assertThat(CommandFlags.of(Sample.class, "nothing")).isEmpty();
    }
}
