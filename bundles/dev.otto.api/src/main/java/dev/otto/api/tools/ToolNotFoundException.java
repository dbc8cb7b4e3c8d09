package dev.otto.api.tools;

import java.util.List;
import java.util.Objects;

/** No acceptable executable was found; the message names what was looked for and where. */
public class ToolNotFoundException extends ToolException {

    private static final long serialVersionUID = 1L;

    private final List<String> candidates;

    /**
     * Creates the exception.
     *
     * @param candidates the executable names looked for
     * @param message what was looked for, where, and what to do
     */
    public ToolNotFoundException(List<String> candidates, String message) {
        super(message);
        this.candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates must not be null"));
    }

    /**
     * Returns the names looked for.
     *
     * @return the candidates, in lookup order
     */
    public List<String> candidates() {
        return candidates;
    }
}
