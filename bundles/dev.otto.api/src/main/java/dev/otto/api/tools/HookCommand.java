package dev.otto.api.tools;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A job hook: a program and its arguments, run without a shell. The program is a name looked up
 * on {@code PATH} ({@code python} and {@code python3} mean the Python 3 interpreter) or a path.
 * {@code toString()} shows only the program and the number of arguments, which may hold secrets.
 *
 * @param argv the program, then its arguments; not empty, program non-blank, no NUL characters
 * @param timeout how long it may run, or null for the configured default; positive when set
 */
public record HookCommand(List<String> argv, Duration timeout) {

    /** Validates the fields. */
    public HookCommand {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv must not be null"));
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("a hook needs a program: argv is empty or starts blank");
        }
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("hook argument contains a NUL character");
            }
        }
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("hook timeout is " + timeout + ": expected a positive duration");
        }
    }

    /**
     * Creates a command with the configured default timeout.
     *
     * @param argv the program, then its arguments
     * @return the command
     */
    public static HookCommand of(String... argv) {
        return new HookCommand(List.of(argv), null);
    }

    /**
     * Returns the same command with its own timeout.
     *
     * @param limit how long it may run
     * @return the new command
     */
    public HookCommand withTimeout(Duration limit) {
        return new HookCommand(argv, limit);
    }

    /**
     * Returns the program.
     *
     * @return {@code argv[0]}
     */
    public String program() {
        return argv.get(0);
    }

    @Override
    public String toString() {
        return "HookCommand[" + program() + " with " + (argv.size() - 1) + " arguments, timeout="
                + (timeout == null ? "default" : timeout) + "]";
    }
}
