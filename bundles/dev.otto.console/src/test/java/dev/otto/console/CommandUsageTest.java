package dev.otto.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Parameter;
import org.junit.jupiter.api.Test;


class CommandUsageTest {

    public static final class Commands {
        public String status(@Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
            return "";
        }

        public String await(@Parameter(names = { "-t", "--timeout" }, absentValue = "60") int timeout,
                @Parameter(names = "--json", presentValue = "true", absentValue = "false") boolean json) {
            return "";
        }

        public String run(CommandSession session, long id, List<String> more) {
            return "";
        }

        public String run(String name) {
            return "";
        }

        public String jobs() {
            return "";
        }
    }

    @Test
    void whatACommandTakesIsReadFromItsAnnotations() {
        assertThat(CommandUsage.takes("otto:status", Commands.class, "status")).isEqualTo("otto:status takes [--json]");
        assertThat(CommandUsage.takes("otto:await", Commands.class, "await"))
                .isEqualTo("otto:await takes [-t|--timeout <number>] [--json]");
        assertThat(CommandUsage.takes("otto:run", Commands.class, "run"))
                .isEqualTo("otto:run takes <number> <text>... or <text>");
        assertThat(CommandUsage.takes("otto:jobs", Commands.class, "jobs")).isEqualTo("otto:jobs takes no arguments");
        assertThat(CommandUsage.line("otto:status", "otto:status takes [--json]"))
                .isEqualTo("otto:status takes [--json]; see: help otto:status");
    }

    @Test
    void onlyGogosRefusalOfTheArgumentsIsAMismatchNotACommandsOwnIllegalArgument() {
        assertThat(CommandUsage.isArgumentMismatch(
                new IllegalArgumentException("Cannot coerce status(Token) to any of [(boolean)]"))).isTrue();
        assertThat(CommandUsage.isArgumentMismatch(new IllegalArgumentException("argument type mismatch"))).isTrue();
        assertThat(CommandUsage.isArgumentMismatch(new IllegalArgumentException("--timeout takes seconds >= 0"))).isFalse();
        assertThat(CommandUsage.isArgumentMismatch(new IllegalStateException("Cannot coerce"))).isFalse();
    }

    @Test
    void theCommandIsTheFirstWordOrTheFunctionGogoNames() {
        IllegalArgumentException coerce = new IllegalArgumentException("Cannot coerce status(Token) to any of [(boolean)]");
        assertThat(CommandUsage.commandOf("  otto:status --foo", coerce)).isEqualTo("otto:status");
        assertThat(CommandUsage.commandOf("status 1 2", coerce)).isEqualTo("status");
        assertThat(CommandUsage.commandOf("otto:job-run x",
                new IllegalArgumentException("Cannot coerce jobrun(Token) to any of [(long)]"))).isEqualTo("otto:job-run");
        assertThat(CommandUsage.commandOf("echo x | status --foo", coerce)).isEqualTo("status");
        assertThat(CommandUsage.commandOf("otto:job-run x", new IllegalArgumentException("argument type mismatch")))
                .isEqualTo("otto:job-run");
    }
}
