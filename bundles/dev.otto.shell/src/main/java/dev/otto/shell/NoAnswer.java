package dev.otto.shell;

/**
 * {@code otto:ask} found no answer. Thrown so that the command fails ({@code bin/otto run} exits
 * 1); its message is the one line the operator reads and nothing else: no cause is kept (its text
 * could come from a provider) and no stack trace is filled in. The class is named for the plain
 * Gogo console, which prints {@code gogo: NoAnswer: <message>}.
 */
final class NoAnswer extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NoAnswer(String line) {
        super(line, null, false, false);
    }
}
