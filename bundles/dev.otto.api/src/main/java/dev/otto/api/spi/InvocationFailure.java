package dev.otto.api.spi;

import dev.otto.api.routing.ErrorClass;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An invocation failed. Holds non-secret diagnostic data only, and {@link #getMessage()} is built
 * from those fields alone: provider messages, response bodies, URLs and headers never enter it, so
 * it is safe to log. Classifiers turn it into a reason code and an error class. It carries no
 * stack trace: its kind and fields say what happened, and it is thrown on every failed attempt.
 */
public class InvocationFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** What kind of failure the invoker observed. */
    public enum Kind {
        /** The deadline passed, or a provider-side timeout was reported. */
        TIMEOUT,
        /** Nothing came from the provider within the invocation's first-token timeout. */
        FIRST_TOKEN_TIMEOUT,
        /** The provider's output stopped for the invocation's stall timeout after it had begun. */
        STALL_TIMEOUT,
        /** The provider answered an HTTP error status, see {@link #httpStatus()}. */
        HTTP_STATUS,
        /** The provider signalled it is retrying (e.g. OpenCode session status {@code retry}). */
        PROVIDER_RETRYING,
        /** Credentials missing, wrong or expired. */
        AUTH,
        /** The prompt does not fit the model's context window. */
        CONTEXT_OVERFLOW,
        /** The answer was cut at the model's output limit. */
        OUTPUT_LENGTH,
        /** The invocation was aborted (by Otto at the deadline, or by the provider). */
        ABORTED,
        /** The provider rejected the request as malformed. */
        INVALID_REQUEST,
        /** The provider could not be reached. */
        CONNECTION,
        /** Anything else. */
        UNKNOWN
    }

    private final Kind kind;
    private final Integer httpStatus;
    private final Duration retryAfter;
    private final String providerErrorName;
    private final boolean retryable;

    /**
     * Creates the failure.
     *
     * @param kind what kind of failure
     * @param httpStatus the provider's HTTP status (100..599), or null if none; required for
     *     {@link Kind#HTTP_STATUS}
     * @param retryAfter the provider's retry-after hint, or null; not negative
     * @param providerErrorName the provider's error type name, e.g. {@code APIError}, or null; must
     *     be a name ({@value ErrorClass#PATTERN}), never a message
     * @param retryable whether the provider called the failure transient
     * @throws IllegalArgumentException if a field is malformed
     */
    public InvocationFailure(Kind kind, Integer httpStatus, Duration retryAfter, String providerErrorName,
            boolean retryable) {
        super(message(kind, httpStatus, retryAfter, providerErrorName, retryable));
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.retryAfter = retryAfter;
        this.providerErrorName = providerErrorName;
        this.retryable = retryable;
    }

    /**
     * Fills in no stack trace: the failure describes the provider's answer, not a place in Otto's
     * code, and filling one in on every failed attempt walks the whole stack of the run. A cause
     * set with {@link #initCause} keeps its own stack trace.
     *
     * @return this failure
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /**
     * Returns a failure of a kind without HTTP status or provider details.
     *
     * @param kind what kind of failure
     * @param retryable whether it is transient
     * @return the failure
     */
    public static InvocationFailure of(Kind kind, boolean retryable) {
        return new InvocationFailure(kind, null, null, null, retryable);
    }

    /**
     * Returns a timeout at the deadline; retryable on another model.
     *
     * @return the failure
     */
    public static InvocationFailure timeout() {
        return of(Kind.TIMEOUT, true);
    }

    /**
     * Returns an HTTP error status; 408, 429 and 5xx count as retryable.
     *
     * @param status the HTTP status, 100..599
     * @param retryAfter the retry-after hint, or null
     * @return the failure
     */
    public static InvocationFailure http(int status, Duration retryAfter) {
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return new InvocationFailure(Kind.HTTP_STATUS, status, retryAfter, null, retryable);
    }

    /**
     * Returns the failure for a provider that started retrying on its own.
     *
     * @param providerErrorName the provider's error type name, or null
     * @return the failure, retryable
     */
    public static InvocationFailure providerRetrying(String providerErrorName) {
        return new InvocationFailure(Kind.PROVIDER_RETRYING, null, null, providerErrorName, true);
    }

    /**
     * Returns what kind of failure this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the provider's HTTP status.
     *
     * @return the status, or empty if there was none
     */
    public OptionalInt httpStatus() {
        return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    /**
     * Returns the provider's retry-after hint.
     *
     * @return the hint, or empty
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Returns the provider's error type name, e.g. {@code APIError}.
     *
     * @return the name, or empty
     */
    public Optional<String> providerErrorName() {
        return Optional.ofNullable(providerErrorName);
    }

    /**
     * Tells whether the provider called the failure transient.
     *
     * @return true if retrying (on this or another model) may succeed
     */
    public boolean retryable() {
        return retryable;
    }

    private static String message(Kind kind, Integer httpStatus, Duration retryAfter, String providerErrorName,
            boolean retryable) {
        Objects.requireNonNull(kind, "kind must not be null");
        if (kind == Kind.HTTP_STATUS && httpStatus == null) {
            throw new IllegalArgumentException("httpStatus is required for kind HTTP_STATUS");
        }
        if (httpStatus != null && (httpStatus < 100 || httpStatus > 599)) {
            throw new IllegalArgumentException("httpStatus is " + httpStatus + ": expected 100..599");
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter is " + retryAfter + ": expected >= 0");
        }
        if (providerErrorName != null && !ErrorClass.isValidName(providerErrorName)) {
            throw new IllegalArgumentException("providerErrorName is not a type name: expected "
                    + ErrorClass.PATTERN + ", e.g. APIError (never a message)");
        }
        StringBuilder text = new StringBuilder("invocation failed: ").append(kind);
        if (httpStatus != null) {
            text.append(", HTTP ").append(httpStatus);
        }
        if (retryAfter != null) {
            text.append(", retry after ").append(retryAfter);
        }
        if (providerErrorName != null) {
            text.append(", provider error ").append(providerErrorName);
        }
        return text.append(retryable ? ", retryable" : ", not retryable").toString();
    }
}
