package dev.otto.support.provider;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;

/**
 * How a provider's error becomes an {@link InvocationFailure}, the same for every invoker, so that
 * one provider failure reads the same (reason code and error class) whether it came straight from
 * the provider or through OpenCode, which passes on only some of it.
 *
 * <p>What is read: the HTTP status; the error's {@code code} and {@code type} (OpenAI
 * {@code {"error":{"code","type","message"}}}, Anthropic {@code {"error":{"type"}}}); and, only where
 * those say nothing specific, the message text, matched against the phrases real providers use
 * (OpenCode's retry signal carries nothing else). The message itself never leaves this class: the
 * failure holds a name from the classifier's vocabulary, never provider text.
 */
public final class ProviderErrors {

    /** The name an invoker gives an answer it could not use. */
    public static final String MALFORMED = "MalformedResponse";

    /** Codes and types that only say "some error": the message decides then. */
    private static final Set<String> GENERIC = Set.of("error", "apierror", "api_error", "unknownerror", "unknown_error",
            "server_error", "internal_error", "internal_server_error", "invalid_request_error", "invalid_request",
            "bad_request", "badrequest", "service_unavailable", "upstream_error", "provider_error");

    /** A name and the phrases that imply it, checked in order (the first match wins). */
    private record Phrase(String name, Pattern pattern) {
    }

    private static final List<Phrase> NAMES = List.of(
            phrase("context_length_exceeded", "context length|context window|maximum context|prompt is too long"
                    + "|too many tokens|context_length_exceeded"),
            phrase("content_filter", "content[ _-]?filter|content management policy|safety system|flagged as"),
            phrase("insufficient_quota", "quota|billing|credit balance|insufficient[_ ]funds"),
            phrase("overloaded_error", "overloaded|over capacity|at capacity|capacity exceeded|server is busy|too busy"
                    + "|temporarily unavailable due to (high )?(load|demand)|\\b529\\b"),
            phrase("rate_limit_exceeded", "rate[ _-]?limit|too many requests|\\b429\\b|resource[_ ]exhausted"
                    + "|tokens per min|requests per min|\\btpm\\b|\\brpm\\b|usage limit"),
            phrase("model_not_found", "model not found|model_not_found|no such model|unknown model"
                    + "|model .{0,80} does not exist|does not exist or you do not have access"),
            phrase("invalid_api_key", "incorrect api key|invalid api key|invalid x-api-key|api key not valid"
                    + "|authentication|unauthori[sz]ed"),
            phrase(MALFORMED, "json pars|invalid json|unexpected token|malformed|unexpected end of json"));

    /** A transport failure OpenCode retries: the provider was not reached, or the stream broke. */
    private static final Pattern CONNECTION = Pattern.compile("cannot connect|unable to connect|connection reset"
            + "|connection refused|connection closed|socket connection was closed|socket hang up|econnreset"
            + "|econnrefused|enotfound|fetch failed|network error|other side closed|broken pipe");
    /** No response headers in time (a provider-side header timeout). */
    private static final Pattern HEADERS_TIMED_OUT = Pattern.compile("headers timed out|response headers timeout");
    /** The stream stopped in time (a provider-side read timeout). */
    private static final Pattern READ_TIMED_OUT = Pattern.compile("read timed out|chunk timeout|stream timed out");

    private ProviderErrors() {
    }

    private static Phrase phrase(String name, String regex) {
        return new Phrase(name, Pattern.compile(regex));
    }

    /**
     * The most specific name of an error: its code, else its type, when either says more than
     * "an error"; else the name its message implies; else the code or type as they are.
     *
     * @param code the error's code, or null
     * @param type the error's type, or null
     * @param message the error's message, or null; read, never kept
     * @return a name matching {@link ErrorClass#PATTERN}, or null when there is nothing to go by
     */
    public static String nameOf(String code, String type, String message) {
        for (String candidate : new String[] { code, type }) {
            if (ErrorClass.isValidName(candidate) && !GENERIC.contains(candidate.toLowerCase(Locale.ROOT))) {
                return candidate;
            }
        }
        String implied = impliedName(message);
        if (implied != null) {
            return implied;
        }
        return ErrorClass.isValidName(code) ? code : ErrorClass.isValidName(type) ? type : null;
    }

    /**
     * The name a message implies, by the phrases providers use.
     *
     * @param message the message, or null
     * @return the name, or null if no phrase matches
     */
    public static String impliedName(String message) {
        if (message == null || message.isBlank()) {
            return null;
        }
        String text = message.toLowerCase(Locale.ROOT);
        for (Phrase phrase : NAMES) {
            if (phrase.pattern().matcher(text).find()) {
                return phrase.name();
            }
        }
        return null;
    }

    /**
     * The failure of an HTTP error answer from a provider.
     *
     * @param status the HTTP status (100..599)
     * @param code the error's code, or null
     * @param type the error's type, or null
     * @param message the error's message, or null; read, never kept
     * @param retryAfter the provider's {@code Retry-After}, or null
     * @return the failure: {@code AUTH} for 401/403, {@code CONTEXT_OVERFLOW} for an overflow,
     *     {@code INVALID_REQUEST} for a 400/422 with no more specific name, else {@code HTTP_STATUS}
     */
    public static InvocationFailure http(int status, String code, String type, String message, Duration retryAfter) {
        String name = nameOf(code, type, message);
        boolean retryable = status == 408 || status == 429 || status >= 500;
        if (status == 401 || status == 403) {
            return new InvocationFailure(Kind.AUTH, status, null, name, false);
        }
        if ("context_length_exceeded".equals(name)) {
            return new InvocationFailure(Kind.CONTEXT_OVERFLOW, status, null, name, false);
        }
        if ((status == 400 || status == 422) && (name == null || GENERIC.contains(name.toLowerCase(Locale.ROOT)))) {
            return new InvocationFailure(Kind.INVALID_REQUEST, status, null, name, false);
        }
        return new InvocationFailure(Kind.HTTP_STATUS, status, retryAfter, name, retryable);
    }

    /**
     * The failure of a provider that OpenCode started retrying, known only by the message OpenCode
     * shows (no status, no code): a transport failure, a provider-side timeout, or an error answer
     * whose kind the message names. OpenCode retries HTTP 5xx, 429 and overloads, so an answer whose
     * message names nothing is taken for a 5xx.
     *
     * @param message the message, or null; read, never kept
     * @param retryAfter when OpenCode would try again, if that is the provider's {@code Retry-After}; or null
     * @return the failure, retryable
     */
    public static InvocationFailure retrying(String message, Duration retryAfter) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (HEADERS_TIMED_OUT.matcher(text).find()) {
            return InvocationFailure.of(Kind.FIRST_TOKEN_TIMEOUT, true);
        }
        if (READ_TIMED_OUT.matcher(text).find()) {
            return InvocationFailure.of(Kind.STALL_TIMEOUT, true);
        }
        if (CONNECTION.matcher(text).find()) {
            return InvocationFailure.of(Kind.CONNECTION, true);
        }
        String name = impliedName(message);
        Integer status = name == null ? Integer.valueOf(500)
                : name.equals("rate_limit_exceeded") || name.equals("insufficient_quota") ? Integer.valueOf(429)
                : name.equals("overloaded_error") ? Integer.valueOf(529) : null;
        return new InvocationFailure(Kind.PROVIDER_RETRYING, status, retryAfter, name, true);
    }

    /**
     * The failure of an error OpenCode reports with a message only (its {@code UnknownError}, or an
     * {@code APIError} without a status): a transport failure when the message says so or OpenCode
     * marked it retryable; else the name the message implies.
     *
     * @param providerName OpenCode's error name, e.g. {@code UnknownError}, or null
     * @param message the message, or null; read, never kept
     * @param retryable whether OpenCode marked it retryable
     * @return the failure
     */
    public static InvocationFailure withoutStatus(String providerName, String message, boolean retryable) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (CONNECTION.matcher(text).find()) {
            return InvocationFailure.of(Kind.CONNECTION, true);
        }
        if (text.contains("timed out")) {
            return InvocationFailure.of(Kind.TIMEOUT, true);
        }
        String name = impliedName(message);
        if (name == null && retryable) {
            return InvocationFailure.of(Kind.CONNECTION, true);
        }
        if (name == null) {
            name = ErrorClass.isValidName(providerName) ? providerName : null;
        }
        Kind kind = "context_length_exceeded".equals(name) ? Kind.CONTEXT_OVERFLOW
                : "invalid_api_key".equals(name) ? Kind.AUTH : Kind.UNKNOWN;
        return new InvocationFailure(kind, null, null, name, retryable);
    }
}
