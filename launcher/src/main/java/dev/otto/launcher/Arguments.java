package dev.otto.launcher;

import java.util.List;

/** What {@code bin/otto} was asked to do. */
record Arguments(Mode mode, List<String> commands, boolean withOpenCode) {

    /** The three things the launcher does. */
    enum Mode {
        /** Boot and open the interactive Gogo shell. */
        INTERACTIVE,
        /** Boot, wait for readiness, run the commands, exit with their outcome. */
        RUN,
        /** Print the usage and exit. */
        HELP
    }

    /** Start the distribution's own OpenCode server and take the catalog from it. */
    static final String WITH_OPENCODE = "--with-opencode";

    Arguments {
        commands = List.copyOf(commands);
    }

    static Arguments parse(String... given) {
        List<String> args = List.of(given);
        boolean withOpenCode = !args.isEmpty() && args.get(0).equals(WITH_OPENCODE);
        if (withOpenCode) {
            args = args.subList(1, args.size());
        }
        if (args.isEmpty()) {
            return new Arguments(Mode.INTERACTIVE, List.of(), withOpenCode);
        }
        String first = args.get(0);
        if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
            return new Arguments(Mode.HELP, List.of(), false);
        }
        if (first.equals("run")) {
            List<String> commands = args.subList(1, args.size());
            if (commands.isEmpty()) {
                throw new IllegalArgumentException("'run' needs at least one command, e.g. otto run 'otto:status'");
            }
            for (String command : commands) {
                if (command.equals(WITH_OPENCODE)) {
                    throw new IllegalArgumentException(WITH_OPENCODE + " goes before 'run': otto " + WITH_OPENCODE + " run '<command>'");
                }
                if (command.isBlank()) {
                    throw new IllegalArgumentException("'run' was given an empty command");
                }
            }
            return new Arguments(Mode.RUN, commands, withOpenCode);
        }
        throw new IllegalArgumentException("unknown argument '" + first + "'");
    }

    static String usage() {
        return String.join(System.lineSeparator(),
                "Usage:",
                "  otto [--with-opencode]        boot Otto and open the interactive Gogo shell once every Otto",
                "                                component is active (type 'help' for commands, 'otto:status' for",
                "                                health, 'exit' to stop); Otto does not start if a component fails,",
                "                                e.g. when the first catalog fetch from OpenCode fails",
                "  otto [--with-opencode] run '<command>' ...",
                "                                boot Otto, wait until every Otto component is active, run each",
                "                                Gogo command in order, print its output and stop;",
                "                                e.g. otto run 'otto:status --json' 'lb'",
                "  otto --help                   show this text",
                "",
                "  --with-opencode               first start the OpenCode server installed with Otto (opencode/),",
                "                                on a free loopback port with its state in <data>/opencode, take the",
                "                                model catalog from it, and stop it when Otto stops. Without it Otto",
                "                                uses the server at modelManagement.catalog.opencodeUrl",
                "                                (default http://127.0.0.1:4096).",
                "",
                "Exit status of 'run': 0 all commands succeeded; 1 a command failed (later ones are not run);",
                "2 wrong arguments; 3 a component is unsatisfied (the commands still run, so otto:status can show",
                "why); 4 Otto could not boot. The interactive shell exits 3 instead of opening when not ready.",
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
