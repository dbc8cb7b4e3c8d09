package dev.otto.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The operator's terminal in raw mode for an attached console, with {@code stty} (no native code):
 * every key goes to the running Otto as typed, and the running Otto echoes and edits. When standard
 * input is no terminal (a script pipes commands in), nothing changes and the size is 80x24.
 */
final class RawTerminal implements AutoCloseable {

    private static final File TTY = new File("/dev/tty");

    private final String saved;
    private final int columns;
    private final int rows;

    private RawTerminal(String saved, int columns, int rows) {
        this.saved = saved;
        this.columns = columns;
        this.rows = rows;
    }

    static RawTerminal enter() {
        if (System.console() == null) {
            return new RawTerminal(null, 80, 24);
        }
        String saved = stty("-g");
        int[] size = size();
        if (saved != null) {
            stty("raw", "-echo");
        }
        return new RawTerminal(saved, size[0], size[1]);
    }

    String type() {
        String term = System.getenv("TERM");
        return saved == null ? "dumb" : term == null || term.isBlank() ? "xterm" : term.strip();
    }

    int columns() {
        return columns;
    }

    int rows() {
        return rows;
    }

    int columnsNow() {
        return size()[0];
    }

    int rowsNow() {
        return size()[1];
    }

    /** {@code {columns, rows}}, 80x24 when the terminal does not say. */
    private static int[] size() {
        String size = stty("size");
        if (size != null) {
            String[] parts = size.trim().split("\\s+");
            try {
                return new int[] { Integer.parseInt(parts[1]), Integer.parseInt(parts[0]) };
            } catch (RuntimeException unreadable) {
                // fall through to the classic size
            }
        }
        return new int[] { 80, 24 };
    }

    private static String stty(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Gives the terminal back as it was. */
    @Override
    public void close() {
        if (saved != null) {
            stty(saved);
        }
    }
}
