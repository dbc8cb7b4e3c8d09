package dev.otto.launcher;

import java.util.List;

/** What {@code bin/otto} was asked to do. */
record Arguments(Mode mode, List<String> commands, boolean withOpenCode, boolean attachOnly) {

    /** The things the launcher does. */
    enum Mode {
        /** Boot and open the console on this terminal (or attach to the running Otto's). */
        INTERACTIVE,
        /** Run the commands on the running Otto, or boot one for them; exit with their outcome. */
        RUN,
        /** Open a console on the running Otto. */
        CONSOLE,
        /** Start Otto in the background, wait until it is ready. */
        START,
        /** Stop the running Otto gracefully. */
        STOP,
        /** Say whether Otto runs and is ready. */
        STATUS,
        /** Boot and run in the foreground without a console until stopped (for a service manager). */
        SERVE,
        /** Print the usage and exit. */
        HELP
    }

    /** Start the distribution's own OpenCode server and take the catalog from it. */
    static final String WITH_OPENCODE = "--with-opencode";
    /** {@code run}: only against a running Otto, never boot one. */
    static final String ATTACH = "--attach";

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
            return new Arguments(Mode.INTERACTIVE, List.of(), withOpenCode, false);
        }
        String first = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (first) {
        case "--help":
        case "-h":
        case "help":
            return new Arguments(Mode.HELP, List.of(), false, false);
        case "run":
            return run(rest, withOpenCode);
        case "start":
            return alone(Mode.START, rest, withOpenCode, true);
        case "serve":
            return alone(Mode.SERVE, rest, withOpenCode, true);
        case "console":
            return alone(Mode.CONSOLE, rest, withOpenCode, false);
        case "stop":
            return alone(Mode.STOP, rest, withOpenCode, false);
        case "status":
            return alone(Mode.STATUS, rest, withOpenCode, false);
        default:
            throw new IllegalArgumentException("unknown argument '" + first + "'");
        }
    }

    private static Arguments run(List<String> args, boolean withOpenCode) {
        boolean attach = !args.isEmpty() && args.get(0).equals(ATTACH);
        List<String> commands = attach ? args.subList(1, args.size()) : args;
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("'run' needs at least one command, e.g. otto run 'otto:status'");
        }
        if (attach && withOpenCode) {
            throw new IllegalArgumentException(ATTACH + " runs on the running Otto, which has its OpenCode already;"
                    + " leave out " + WITH_OPENCODE);
        }
        for (String command : commands) {
            if (command.equals(WITH_OPENCODE) || command.equals(ATTACH)) {
                throw new IllegalArgumentException(command + " goes before the commands: otto "
                        + (command.equals(ATTACH) ? "run " + ATTACH : WITH_OPENCODE + " run") + " '<command>'");
            }
            if (command.isBlank()) {
                throw new IllegalArgumentException("'run' was given an empty command");
            }
        }
        return new Arguments(Mode.RUN, commands, withOpenCode, attach);
    }

    private static Arguments alone(Mode mode, List<String> rest, boolean withOpenCode, boolean boots) {
        String name = mode.name().toLowerCase(java.util.Locale.ROOT);
        if (!withOpenCode && rest.equals(List.of(WITH_OPENCODE))) {
            // 'otto start --with-opencode' reads as naturally as 'otto --with-opencode start'
            withOpenCode = true;
            rest = List.of();
        }
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("'" + name + "' takes no arguments, got '" + rest.get(0) + "'");
        }
        if (withOpenCode && !boots) {
            throw new IllegalArgumentException(WITH_OPENCODE + " starts an OpenCode for an Otto that boots; '" + name
                    + "' boots none");
        }
        return new Arguments(mode, List.of(), withOpenCode, false);
    }

    static String usage() {
        return String.join(System.lineSeparator(),
                "Usage:",
                "  otto [--with-opencode]        boot Otto and open its console here once every Otto component is",
                "                                active ('help' lists commands, 'otto:status' shows health, 'exit'",
                "                                or Ctrl-D stops Otto); when an Otto already runs with this data",
                "                                folder, attach to it instead ('exit' then leaves it running)",
                "  otto [--with-opencode] run [--attach] '<command>' ...",
                "                                run each Gogo command in order on the running Otto of this data",
                "                                folder, print its output, exit with its outcome; when none runs,",
                "                                boot one for the commands and stop it after (--attach: fail",
                "                                instead); e.g. otto run 'otto:status --json' 'lb'",
                "  otto console                  open a console on the running Otto (history, Tab completion of",
                "                                commands and flags, Ctrl-C interrupts the running command;",
                "                                'exit' or Ctrl-D leaves, Otto keeps running)",
                "  otto [--with-opencode] start  start Otto in the background (output in <data>/logs/otto.out)",
                "                                and wait until it is ready (start --with-opencode works too)",
                "  otto stop                     stop the running Otto gracefully: scheduled runs in flight get",
                "                                the scheduler's shutdown grace to finish",
                "  otto status                   say whether Otto runs and is ready",
                "  otto [--with-opencode] serve  boot Otto in the foreground without a console until it is",
                "                                stopped (SIGTERM or 'otto stop'): for systemd, see etc/otto.service",
                "  otto --help                   show this text",
                "",
                "  --with-opencode               first start the OpenCode server installed with Otto (opencode/),",
                "                                on a free loopback port with its state in <data>/opencode, take the",
                "                                model catalog from it, and stop it when Otto stops. Without it Otto",
                "                                uses the server at modelManagement.catalog.opencodeUrl",
                "                                (default http://127.0.0.1:4096).",
                "",
                "Exit status: 0 done (status: running and ready); 1 a command failed, later ones not run",
                "(status: not running); 2 wrong arguments; 3 Otto is not ready, a component is unsatisfied (run",
                "still runs the commands, so otto:status can show why; the console does not open); 4 Otto could",
                "not boot or be attached to; 130 a command was interrupted (Ctrl-C).",
                "",
                "A running Otto serves its console on the Unix socket <data>/otto.sock, which only the user it",
                "runs as (and root) can open; it listens on no network port. When a start fails, one line says",
                "why; the details are in <data>/logs/otto.log.",
                "",
                "Environment:",
                "  OTTO_CONFIG     config file   (default ~/.config/otto/config.jsonc, or -Dotto.config)",
                "  OTTO_DATA_DIR   data folder   (default ~/.otto/data, or -Dotto.data): database, caches,",
                "                  telemetry, logs/, console history and socket, the framework storage",
                "  JAVA_OPTS       extra JVM options",
                "",
                "Bundles in <otto>/bundle are the runtime; jars dropped into <otto>/deploy are installed and",
                "started, replaced ones updated, removed ones uninstalled, and *.cfg/*.config files there reach",
                "Config Admin.");
    }
}
