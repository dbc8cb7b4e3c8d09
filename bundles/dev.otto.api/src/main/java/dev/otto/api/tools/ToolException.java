package dev.otto.api.tools;

/** A tool could not be used: it is missing, could not start, timed out or failed. */
public class ToolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do; never contains secrets
     */
    public ToolException(String message) {
        super(message);
    }
}
