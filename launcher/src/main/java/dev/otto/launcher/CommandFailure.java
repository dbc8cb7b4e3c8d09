package dev.otto.launcher;

/** A Gogo command that threw; the message is the command's own. */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    CommandFailure(String message) {
        super(message);
    }
}
