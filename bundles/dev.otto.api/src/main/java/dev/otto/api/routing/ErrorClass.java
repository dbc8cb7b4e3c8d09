package dev.otto.api.routing;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A non-secret diagnosis of a failure: a class name such as {@code TimeoutError}, never a message.
 * The set is open (classifier plugins may add names), so this is a validated value rather than an
 * enum; the name must match {@value #PATTERN}, which keeps provider text (with spaces, quotes,
 * URLs or keys) out of telemetry.
 *
 * <p>A run or attempt without a failure has no error class ({@code null}), not a "none" class.
 *
 * @param name the class name; {@link #toString()} returns it, and it is the wire form
 */
public record ErrorClass(String name) {

    /** The accepted form of a name: a letter, then up to 63 letters, digits or underscores. */
    public static final String PATTERN = "[A-Za-z][A-Za-z0-9_]{0,63}";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    /** A timeout or an abort at the deadline. */
    public static final ErrorClass TIMEOUT_ERROR = new ErrorClass("TimeoutError");

    /** HTTP 5xx or a transient gateway error from the provider. */
    public static final ErrorClass PROVIDER_5XX = new ErrorClass("Provider5xx");

    /** HTTP 429 or an equivalent rate-limit or overload signal. */
    public static final ErrorClass RATE_LIMITED = new ErrorClass("RateLimited");

    /** Missing, wrong or expired credentials (HTTP 401/403). */
    public static final ErrorClass AUTH_ERROR = new ErrorClass("AuthError");

    /** The provider rejected the request as malformed (HTTP 400/404/422). */
    public static final ErrorClass INVALID_REQUEST = new ErrorClass("InvalidRequest");

    /** The prompt does not fit the model's context window. */
    public static final ErrorClass CONTEXT_OVERFLOW = new ErrorClass("ContextOverflow");

    /** The provider could not be reached (refused, reset, DNS). */
    public static final ErrorClass CONNECTION_ERROR = new ErrorClass("ConnectionError");

    /** No registered model invoker supports the model. */
    public static final ErrorClass NO_INVOKER = new ErrorClass("NoInvoker");

    /** No classifier recognised the failure; the router's fallback, paired with {@code capacity}. */
    public static final ErrorClass UNKNOWN = new ErrorClass("Unknown");

    /** Validates the name. */
    public ErrorClass {
        Objects.requireNonNull(name, "error class name must not be null");
        if (!isValidName(name)) {
            // The value is not shown: an invalid name is most likely a message, which may be secret.
            throw new IllegalArgumentException("error class name of " + name.length()
                    + " characters is not a class name: expected " + PATTERN + ", e.g. TimeoutError");
        }
    }

    /**
     * Returns the error class with the given name.
     *
     * @param name the class name
     * @return the error class
     * @throws IllegalArgumentException if the name does not match {@value #PATTERN}
     */
    public static ErrorClass of(String name) {
        return new ErrorClass(name);
    }

    /**
     * Tells whether a text is an acceptable error class name (also used for provider error names).
     *
     * @param name the text, may be null
     * @return true if it matches {@value #PATTERN}
     */
    public static boolean isValidName(String name) {
        return name != null && COMPILED.matcher(name).matches();
    }

    /** Returns the name: the wire form. */
    @Override
    public String toString() {
        return name;
    }
}
