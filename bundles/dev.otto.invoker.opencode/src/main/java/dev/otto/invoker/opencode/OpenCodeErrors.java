package dev.otto.invoker.opencode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.support.provider.ProviderErrors;

/**
 * OpenCode's error shapes as {@link InvocationFailure}s, read the way the OpenAI-compatible invoker
 * reads a provider's own answer ({@link ProviderErrors}), so one provider failure reads the same on
 * both paths. Only names, statuses, retryability and {@code Retry-After} travel; provider messages,
 * bodies, headers and URLs are read here and dropped.
 *
 * <p>Shapes (OpenCode 1.18.33, see the fault matrix in {@code itest/README.md}): an {@code APIError}
 * with {@code statusCode}, {@code responseHeaders} and the raw {@code responseBody} for a provider's
 * error answer; an {@code APIError} with a message only for a transport failure; {@code UnknownError}
 * with a message for "Model not found", "JSON parsing failed" and its own timeouts; and named errors
 * for overflow, content filter, output length and aborts.
 */
final class OpenCodeErrors {

    /** Retry-After beyond a day is not a cooldown anyone means. */
    private static final long MAX_RETRY_AFTER_SECONDS = 86_400;
    /** OpenCode's own wait before its second try, widened by the time its event takes to arrive. */
    private static final long BACKOFF_LOW = 1_900;
    private static final long BACKOFF_HIGH = 2_600;

    private final ObjectMapper json;

    OpenCodeErrors(ObjectMapper json) {
        this.json = json;
    }

    /** The failure of an {@code error} object of {@code session.error} or of an assistant message's {@code info.error}. */
    InvocationFailure failure(JsonNode error) {
        String name = error.path("name").asText("");
        JsonNode data = error.path("data");
        String message = data.path("message").asText(null);
        boolean retryable = data.path("isRetryable").asBoolean(false);
        switch (name) {
        case "APIError":
            if (data.path("statusCode").canConvertToInt() && validStatus(data.get("statusCode").asInt())) {
                return httpFailure(data.get("statusCode").asInt(), data, message);
            }
            return ProviderErrors.withoutStatus(name, message, retryable);
        case "ProviderAuthError":
            return new InvocationFailure(Kind.AUTH, null, null, name, false);
        case "MessageAbortedError":
            return new InvocationFailure(Kind.ABORTED, null, null, name, false);
        case "MessageOutputLengthError":
            return new InvocationFailure(Kind.OUTPUT_LENGTH, null, null, name, false);
        case "ContextOverflowError":
            return new InvocationFailure(Kind.CONTEXT_OVERFLOW, null, null, name, false);
        case "ContentFilterError":
            // the name a provider's finish reason gives it, as the OpenAI-compatible invoker reports it
            return new InvocationFailure(Kind.UNKNOWN, null, null, "content_filter", false);
        default:
            return ProviderErrors.withoutStatus(name, message, retryable);
        }
    }

    /** A provider's error answer: its code, type and message from the raw body, else OpenCode's message. */
    private InvocationFailure httpFailure(int status, JsonNode data, String message) {
        String code = null;
        String type = null;
        String bodyMessage = null;
        String body = data.path("responseBody").asText(null);
        if (body != null && !body.isBlank()) {
            try {
                JsonNode parsed = json.readTree(body);
                JsonNode inner = parsed.path("error");
                JsonNode fields = inner.isObject() ? inner : parsed;
                code = text(fields.path("code"));
                type = text(fields.path("type"));
                bodyMessage = text(fields.path("message"));
            } catch (IOException notJson) {
                // a body that is not JSON names nothing; OpenCode's message still may
            }
        }
        return ProviderErrors.http(status, code, type, bodyMessage != null ? bodyMessage : message,
                retryAfter(data.path("responseHeaders")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : node.isNumber() ? node.asText() : null;
    }

    private static boolean validStatus(int status) {
        return status >= 100 && status <= 599;
    }

    /** {@code retry-after-ms}, else {@code retry-after} in seconds or as an HTTP date, from the provider's headers. */
    static Duration retryAfter(JsonNode headers) {
        String seconds = null;
        String millis = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            String key = header.getKey().toLowerCase(Locale.ROOT);
            if (key.equals("retry-after")) {
                seconds = header.getValue().asText().trim();
            } else if (key.equals("retry-after-ms")) {
                millis = header.getValue().asText().trim();
            }
        }
        try {
            if (millis != null) {
                long value = Long.parseLong(millis);
                return value >= 0 && value <= MAX_RETRY_AFTER_SECONDS * 1000 ? Duration.ofMillis(value) : null;
            }
            if (seconds != null) {
                long value = Long.parseLong(seconds);
                return value >= 0 && value <= MAX_RETRY_AFTER_SECONDS ? Duration.ofSeconds(value) : null;
            }
        } catch (NumberFormatException date) {
            try {
                Duration until = Duration.between(Instant.now(),
                        ZonedDateTime.parse(seconds, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return until.isNegative() ? Duration.ZERO : until.getSeconds() > MAX_RETRY_AFTER_SECONDS ? null : until;
            } catch (DateTimeParseException | NullPointerException notADate) {
                return null;
            }
        }
        return null;
    }

    /**
     * The {@code Retry-After} behind OpenCode's retry time, if it can be told. OpenCode 1.18.33 waits
     * exactly a provider's {@code Retry-After} before its next try, and otherwise its own backoff,
     * which before the second try is 2 to 2.5 s (2 s plus up to 25 % jitter). Otto sees the first
     * retry only (it aborts there), so a wait outside that band is the provider's, rounded up to
     * whole seconds; a wait inside it (a {@code Retry-After} of 2 s, or none) cannot be told apart and
     * is not taken: nothing cools down on a guess.
     *
     * @param nextEpochMillis OpenCode's {@code next}
     * @param nowEpochMillis the time the retry was seen
     * @param attempt OpenCode's retry attempt number
     * @return the provider's wait, or null when it may be OpenCode's own backoff
     */
    static Duration retryAfterFromNext(long nextEpochMillis, long nowEpochMillis, int attempt) {
        long wait = nextEpochMillis - nowEpochMillis;
        if (attempt != 1 || wait <= 0 || wait >= BACKOFF_LOW && wait <= BACKOFF_HIGH) {
            return null;
        }
        long seconds = (wait + 999) / 1000;
        return seconds > MAX_RETRY_AFTER_SECONDS ? null : Duration.ofSeconds(seconds);
    }
}
