package dev.otto.classifier;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * The mapping of one throwable (no cause chain) to a {@link Classification}: pure, static tables.
 * The bundle's README shows the same tables, and {@code GoldenTableTest} checks every row of the
 * README against this class, so a change here without the README (or the reverse) fails the build.
 */
final class FailureRules {

    /** HTTP 529 or a provider's "overloaded" error: the model is there but has no room now. */
    static final ErrorClass OVERLOADED = ErrorClass.of("Overloaded");
    /** HTTP 402 or a provider's "quota exhausted" error: not transient on this account. */
    static final ErrorClass QUOTA_EXCEEDED = ErrorClass.of("QuotaExceeded");
    /** HTTP 404/410 from a model endpoint: the provider does not (or no longer) serve the model. */
    static final ErrorClass MODEL_NOT_FOUND = ErrorClass.of("ModelNotFound");
    /** The answer was cut at the model's output limit. */
    static final ErrorClass OUTPUT_LENGTH = ErrorClass.of("OutputLength");
    /** The provider started retrying on its own and gave no status to tell why. */
    static final ErrorClass PROVIDER_RETRYING = ErrorClass.of("ProviderRetrying");
    /** An HTTP 4xx status without a more specific meaning. */
    static final ErrorClass CLIENT_ERROR = ErrorClass.of("ClientError");
    /** The provider answered, but the answer could not be used (unparsable or invalid body). */
    static final ErrorClass MALFORMED_RESPONSE = ErrorClass.of("MalformedResponse");
    /** The provider's content filter refused the prompt or the answer. */
    static final ErrorClass CONTENT_FILTERED = ErrorClass.of("ContentFiltered");
    /** Nothing came from the provider within the first-token timeout. */
    static final ErrorClass FIRST_TOKEN_TIMEOUT = ErrorClass.of("FirstTokenTimeout");
    /** The provider's answer stopped for the stall timeout after it had begun. */
    static final ErrorClass STALL_TIMEOUT = ErrorClass.of("StallTimeout");

    static final Classification TIMEOUT = of(ReasonCode.TIMEOUT, ErrorClass.TIMEOUT_ERROR);
    static final Classification NO_FIRST_TOKEN = of(ReasonCode.TIMEOUT, FIRST_TOKEN_TIMEOUT);
    static final Classification STALLED = of(ReasonCode.TIMEOUT, STALL_TIMEOUT);
    static final Classification PROVIDER_5XX = of(ReasonCode.PROVIDER_5XX, ErrorClass.PROVIDER_5XX);
    static final Classification CONNECTION = of(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR);
    static final Classification RETRYING = of(ReasonCode.PROVIDER_5XX, PROVIDER_RETRYING);
    static final Classification RATE_LIMITED = of(ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED);
    static final Classification AUTH = of(ReasonCode.CAPACITY, ErrorClass.AUTH_ERROR);
    static final Classification INVALID_REQUEST = of(ReasonCode.CAPACITY, ErrorClass.INVALID_REQUEST);
    static final Classification CONTEXT_OVERFLOW = of(ReasonCode.CAPACITY, ErrorClass.CONTEXT_OVERFLOW);
    static final Classification OUTPUT = of(ReasonCode.CAPACITY, OUTPUT_LENGTH);
    static final Classification OVERLOAD = of(ReasonCode.CAPACITY, OVERLOADED);
    static final Classification QUOTA = of(ReasonCode.CAPACITY, QUOTA_EXCEEDED);
    static final Classification NOT_FOUND = of(ReasonCode.CAPACITY, MODEL_NOT_FOUND);
    static final Classification CLIENT = of(ReasonCode.CAPACITY, CLIENT_ERROR);
    static final Classification MALFORMED = of(ReasonCode.CAPACITY, MALFORMED_RESPONSE);
    static final Classification FILTERED = of(ReasonCode.CAPACITY, CONTENT_FILTERED);

    /** OpenCode's generic wrapper of an AI SDK {@code APICallError}; see {@link #ofKindAlone}. */
    static final String API_ERROR = "APIError";

    /**
     * Plain JDK exceptions an invoker may throw, tested in this order with {@code instanceof}.
     * Matched by class only: messages are neither stable nor safe to read.
     */
    static final List<Map.Entry<Class<? extends Throwable>, Classification>> JDK_RULES = List.of(
            Map.entry(TimeoutException.class, TIMEOUT),
            // also HttpConnectTimeoutException
            Map.entry(HttpTimeoutException.class, TIMEOUT),
            // also SocketTimeoutException
            Map.entry(InterruptedIOException.class, TIMEOUT),
            // ConnectException (refused), NoRouteToHostException, and "Connection reset", which the
            // JDK throws as a plain SocketException
            Map.entry(SocketException.class, CONNECTION),
            // DNS: the provider's host cannot be found
            Map.entry(UnknownHostException.class, CONNECTION));

    /**
     * Provider error type names that say more than the kind or status, by normalized name (see
     * {@link #normalize}). OpenCode's message errors and the type/code names of the big providers
     * (OpenAI {@code insufficient_quota}, {@code context_length_exceeded}; Anthropic
     * {@code overloaded_error}), so that e.g. a 400 that is really a context overflow does not stop
     * the run as an invalid request, and a 429 that is an exhausted quota is not taken for a burst.
     */
    static final Map<String, Classification> PROVIDER_NAMES = names(
            AUTH, "ProviderAuthError", "authentication_error", "permission_error", "invalid_api_key",
            TIMEOUT, "MessageAbortedError",
            CONTEXT_OVERFLOW, "ContextOverflowError", "context_length_exceeded",
            OUTPUT, "MessageOutputLengthError",
            FILTERED, "ContentFilterError", "content_filter",
            MALFORMED, "StructuredOutputError", "MalformedResponse", "InvalidResponseDataError", "JSONParseError",
            OVERLOAD, "overloaded_error",
            QUOTA, "insufficient_quota", "QuotaExceeded",
            NOT_FOUND, "model_not_found", "NoSuchModelError",
            RATE_LIMITED, "rate_limit_exceeded", "rate_limit_error");

    private FailureRules() {
    }

    /**
     * Classifies one throwable, ignoring its cause.
     *
     * @param failure the throwable
     * @return its classification, or empty if no rule knows it
     */
    static Optional<Classification> ofThrowable(Throwable failure) {
        if (failure instanceof InvocationFailure invocation) {
            return Optional.of(ofInvocation(invocation));
        }
        for (Map.Entry<Class<? extends Throwable>, Classification> rule : JDK_RULES) {
            if (rule.getKey().isInstance(failure)) {
                return Optional.of(rule.getValue());
            }
        }
        return Optional.empty();
    }

    /**
     * Classifies an invoker's failure. Kinds that already say what happened decide alone; for the
     * vague kinds a known provider error name comes first, then the HTTP status, then the kind.
     *
     * @param failure the failure
     * @return the classification; every failure gets one, since the invoker reported it as such
     */
    static Classification ofInvocation(InvocationFailure failure) {
        switch (failure.kind()) {
            // Otto aborts a session only at the deadline; an abort on OpenCode's retry signal is
            // reported as PROVIDER_RETRYING, so every ABORTED is a timeout
            case TIMEOUT, ABORTED:
                return TIMEOUT;
            case FIRST_TOKEN_TIMEOUT:
                return NO_FIRST_TOKEN;
            case STALL_TIMEOUT:
                return STALLED;
            case CONNECTION:
                return CONNECTION;
            case AUTH:
                return AUTH;
            case CONTEXT_OVERFLOW:
                return CONTEXT_OVERFLOW;
            case OUTPUT_LENGTH:
                return OUTPUT;
            default:
                break;
        }
        Optional<Classification> byName = failure.providerErrorName().map(FailureRules::ofProviderName);
        if (byName.isPresent()) {
            return byName.get();
        }
        // the invoker judged the request malformed; a status would not make it less so
        if (failure.kind() == Kind.INVALID_REQUEST) {
            return INVALID_REQUEST;
        }
        OptionalInt status = failure.httpStatus();
        if (status.isPresent()) {
            return ofStatus(status.getAsInt());
        }
        return ofKindAlone(failure);
    }

    /**
     * Classifies a vague kind with neither a known name nor a status.
     *
     * @param failure a failure of kind PROVIDER_RETRYING or UNKNOWN (HTTP_STATUS always has a status)
     * @return the classification
     */
    private static Classification ofKindAlone(InvocationFailure failure) {
        if (failure.kind() == Kind.PROVIDER_RETRYING) {
            // OpenCode retries 5xx, 429 and overload alike and shows only the provider's message:
            // without a status the provider-side trouble is the best single answer
            return RETRYING;
        }
        // The AI SDK builds an APICallError without a status code, marked retryable, only when the
        // request never got an answer ("Cannot connect to API"); OpenCode passes it on as APIError
        // (fixture session-message.unreachable.json)
        if (failure.providerErrorName().filter(API_ERROR::equals).isPresent() && failure.retryable()) {
            return CONNECTION;
        }
        return Classification.UNKNOWN;
    }

    /**
     * Classifies an HTTP status. Total over 100..599; README table "HTTP status" lists it range by
     * range.
     *
     * @param status the status
     * @return the classification
     */
    static Classification ofStatus(int status) {
        switch (status) {
            case 400, 422:
                return INVALID_REQUEST;
            case 401, 403:
                return AUTH;
            case 402:
                return QUOTA;
            case 404, 410:
                return NOT_FOUND;
            case 408:
                return TIMEOUT;
            case 413:
                return CONTEXT_OVERFLOW;
            case 429:
                return RATE_LIMITED;
            case 529:
                return OVERLOAD;
            default:
                break;
        }
        if (status >= 500) {
            return PROVIDER_5XX;
        }
        if (status >= 400) {
            return CLIENT;
        }
        if (status >= 200 && status < 300) {
            // the provider said OK, yet the invoker failed: the body was unusable
            return MALFORMED;
        }
        return Classification.UNKNOWN;
    }

    /**
     * Looks a provider error name up in {@link #PROVIDER_NAMES}.
     *
     * @param name the name
     * @return the classification, or null if the name is not known
     */
    static Classification ofProviderName(String name) {
        return PROVIDER_NAMES.get(normalize(name));
    }

    /**
     * Normalizes a provider error name, so that {@code overloaded_error}, {@code OverloadedError}
     * and the AI SDK's {@code AI_OverloadedError} are one name: drops an {@code AI_} prefix and
     * underscores, lower case.
     *
     * @param name the name
     * @return the normalized name
     */
    static String normalize(String name) {
        String bare = name.startsWith("AI_") ? name.substring(3) : name;
        return bare.replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static Classification of(ReasonCode reason, ErrorClass errorClass) {
        return new Classification(reason, errorClass);
    }

    /** Builds the name table from runs of a classification followed by its names. */
    private static Map<String, Classification> names(Object... runs) {
        Map<String, Classification> table = new LinkedHashMap<>();
        Classification current = null;
        for (Object item : runs) {
            if (item instanceof Classification classification) {
                current = classification;
            } else if (table.put(normalize((String) item), current) != null) {
                throw new IllegalStateException("provider error name listed twice: " + item);
            }
        }
        return Map.copyOf(table);
    }
}
