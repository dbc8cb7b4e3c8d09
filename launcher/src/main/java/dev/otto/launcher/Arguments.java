package dev.otto.launcher;

import java.util.List;

/** What {@code bin/otto} was asked to do. */
record Arguments(Mode mode, List<String> commands) {

    /** The three things the launcher does. */
    enum Mode {
        /** Boot and open the interactive Gogo shell. */
        INTERACTIVE,
        /** Boot, wait for readiness, run the commands, exit with their outcome. */
        RUN,
        /** Print the usage and exit. */
        HELP
    }

    Arguments {
        commands = List.copyOf(commands);
    }

    static Arguments parse(String... args) {
        if (args.length == 0) {
            return new Arguments(Mode.INTERACTIVE, List.of());
        }
        String first = args[0];
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            return new Arguments(Mode.HELP, List.of());
        }
        if (first.equals("run")) {
            List<String> commands = List.of(args).subList(1, args.length);
            if (commands.isEmpty()) {
                throw new IllegalArgumentException("'run' needs at least one command, e.g. otto run 'otto:status'");
            }
            for (String command : commands) {
                if (command.isBlank()) {
                    throw new IllegalArgumentException("'run' was given an empty command");
                }
            }
            return new Arguments(Mode.RUN, commands);
        }
        throw new IllegalArgumentException("unknown argument '" + first + "'");
    }

    static String usage() {
        return String.join(System.lineSeparator(),
                "Usage:",
                "  otto                          boot Otto and open the interactive Gogo shell",
                "                                (type 'help' for commands, 'otto:status' for health, 'exit' to stop)",
                "  otto run '<command>' ...      boot Otto, wait until every Otto component is active, run each",
                "                                Gogo command in order, print its output and stop;",
                "                                e.g. otto run 'otto:status --json' 'lb'",
                "  otto --help                   show this text",
                "",
                "Exit status of 'run': 0 all commands succeeded; 1 a command failed (later ones are not run);",
                "2 wrong arguments; 3 a component is unsatisfied (the commands still run); 4 Otto could not boot.",
                "",
                "Environment:",
                "  OTTO_CONFIG     config file   (default ~/.config/otto/config.jsonc, or -Dotto.config)",
                "  OTTO_DATA_DIR   data folder   (default ~/.otto/data, or -Dotto.data): database, caches,",
                "                  telemetry, logs/otto.log and the framework storage",
                "  JAVA_OPTS       extra JVM options",
                "",
                "Bundles in <otto>/bundle are the runtime; jars dropped into <otto>/deploy are installed and",
                "started, replaced ones updated, removed ones uninstalled, and *.cfg/*.config files there reach",
                "Config Admin. There is no remote shell: the console is local only.");
    }
}
