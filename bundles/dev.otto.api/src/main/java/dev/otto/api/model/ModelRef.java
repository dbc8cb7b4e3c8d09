package dev.otto.api.model;

import java.util.Comparator;
import java.util.Objects;

/**
 * A reference to one model of one provider, written {@code provider/model}.
 *
 * <p>The reference splits at the <em>first</em> {@code /}: model ids may contain {@code /}
 * themselves ({@code openrouter/google/gemini-3-pro} is provider {@code openrouter}, model
 * {@code google/gemini-3-pro}), provider ids never do.
 *
 * @param providerId the provider id, e.g. {@code openai}: non-empty, no {@code /}, no whitespace
 *     or control characters
 * @param modelId the model id within the provider, e.g. {@code gpt-5.2}: non-empty, may contain
 *     {@code /}, no control characters and no leading or trailing whitespace
 */
public record ModelRef(String providerId, String modelId) implements Comparable<ModelRef> {

    private static final String EXPECTED = "expected provider/model, e.g. openai/gpt-5.2";

    private static final Comparator<ModelRef> ORDER =
            Comparator.comparing(ModelRef::providerId).thenComparing(ModelRef::modelId);

    /** Validates both parts, so that every {@code ModelRef} in the system is well formed. */
    public ModelRef {
        Objects.requireNonNull(providerId, "providerId must not be null");
        Objects.requireNonNull(modelId, "modelId must not be null");
        String problem = problemWith(providerId, modelId);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "invalid model reference " + quote(providerId + "/" + modelId) + ": " + problem
                            + "; " + EXPECTED);
        }
    }

    /**
     * Returns the reference for the given parts; same as the constructor, reads better at call sites.
     *
     * @param providerId the provider id
     * @param modelId the model id
     * @return the reference
     * @throws IllegalArgumentException if a part is malformed
     */
    public static ModelRef of(String providerId, String modelId) {
        return new ModelRef(providerId, modelId);
    }

    /**
     * Parses {@code provider/model}, splitting at the first {@code /}.
     *
     * @param ref the reference as written in config, the database or the shell
     * @return the parsed reference
     * @throws IllegalArgumentException if {@code ref} is null, blank, has no {@code /}, an empty
     *     part, surrounding whitespace, or whitespace or control characters in the provider id;
     *     the message quotes the input and shows the expected form
     */
    public static ModelRef parse(String ref) {
        if (ref == null) {
            throw new IllegalArgumentException("invalid model reference null: " + EXPECTED);
        }
        String problem;
        int slash = ref.indexOf('/');
        if (ref.isBlank()) {
            problem = "it is blank";
        } else if (!ref.equals(ref.strip())) {
            problem = "it has leading or trailing whitespace";
        } else if (slash < 0) {
            problem = "it has no '/' between provider and model";
        } else {
            problem = problemWith(ref.substring(0, slash), ref.substring(slash + 1));
        }
        if (problem != null) {
            throw new IllegalArgumentException(
                    "invalid model reference " + quote(ref) + ": " + problem + "; " + EXPECTED);
        }
        return new ModelRef(ref.substring(0, slash), ref.substring(slash + 1));
    }

    /**
     * Tells whether {@link #parse(String)} would accept the text, without throwing.
     *
     * @param ref the text to check, may be null
     * @return true if it is a well-formed reference
     */
    public static boolean isValid(String ref) {
        try {
            parse(ref);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Tells whether the text is a well-formed provider id: non-empty, no {@code /}, no whitespace
     * or control characters. Used where provider ids appear alone (catalog, route types).
     *
     * @param providerId the text, may be null
     * @return true if it may be the provider part of a reference
     */
    public static boolean isValidProviderId(String providerId) {
        return providerId != null && problemWith(providerId, "x") == null;
    }

    /**
     * Returns the provider id if it is well formed, for use in compact constructors.
     *
     * @param providerId the provider id
     * @param field the field name, used in the message
     * @return {@code providerId}
     * @throws NullPointerException if it is null
     * @throws IllegalArgumentException if it is not a well-formed provider id
     */
    public static String requireProviderId(String providerId, String field) {
        if (providerId == null) {
            throw new NullPointerException(field + " must not be null");
        }
        if (!isValidProviderId(providerId)) {
            throw new IllegalArgumentException(field + " " + quote(providerId)
                    + " is not a valid provider id: expected a non-empty name without '/', whitespace"
                    + " or control characters, e.g. openai");
        }
        return providerId;
    }

    /** Orders by provider id, then model id, so listings and plans print in a stable order. */
    @Override
    public int compareTo(ModelRef other) {
        return ORDER.compare(this, other);
    }

    /** Returns {@code provider/model}, the wire form; {@link #parse(String)} reads it back. */
    @Override
    public String toString() {
        return providerId + "/" + modelId;
    }

    private static String problemWith(String providerId, String modelId) {
        if (providerId.isEmpty()) {
            return "the provider part is empty";
        }
        if (modelId.isEmpty()) {
            return "the model part is empty";
        }
        for (int i = 0; i < providerId.length(); i++) {
            char c = providerId.charAt(i);
            if (c > ' ' && c < 0x7f && c != '/') {
                continue; // printable ASCII other than '/': neither whitespace nor control (fast path)
            }
            if (c == '/') {
                return "the provider id contains '/'";
            }
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return "the provider id contains whitespace or a control character";
            }
        }
        if (!modelId.equals(modelId.strip())) {
            return "the model id has leading or trailing whitespace";
        }
        for (int i = 0; i < modelId.length(); i++) {
            if (Character.isISOControl(modelId.charAt(i))) {
                return "the model id contains a control character";
            }
        }
        return null;
    }

    /** Quotes user input for a message, escaping control characters so a log line stays one line. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
