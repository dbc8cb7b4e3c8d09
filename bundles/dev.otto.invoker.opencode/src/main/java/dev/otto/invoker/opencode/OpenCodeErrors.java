package dev.otto.invoker.opencode;

import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;

/**
 * OpenCode's error shapes on an assistant message ({@code info.error}) as {@link InvocationFailure}s
 * the default classifier maps: only the error's name, status, retryability and Retry-After travel;
 * the provider's message and body never do.
 */
final class OpenCodeErrors {

    private OpenCodeErrors() {
    }

    static InvocationFailure failure(JsonNode error) {
        String name = error.path("name").asText("");
        JsonNode data = error.path("data");
        boolean retryable = data.path("isRetryable").asBoolean(false);
        Integer status = data.hasNonNull("statusCode") && data.get("statusCode").canConvertToInt()
                ? data.get("statusCode").asInt() : null;
        if (status != null && (status < 100 || status > 599)) {
            status = null;
        }
        String safeName = ErrorClass.isValidName(name) ? name : null;
        switch (name) {
        case "ProviderAuthError":
            return new InvocationFailure(Kind.AUTH, status, null, safeName, false);
        case "MessageAbortedError":
            return new InvocationFailure(Kind.ABORTED, null, null, safeName, false);
        case "MessageOutputLengthError":
            return new InvocationFailure(Kind.OUTPUT_LENGTH, null, null, safeName, false);
        case "ContextOverflowError":
            return new InvocationFailure(Kind.CONTEXT_OVERFLOW, status, null, safeName, false);
        case "APIError":
            if (status != null) {
                return new InvocationFailure(Kind.HTTP_STATUS, status, retryAfter(data.path("responseHeaders")), safeName, retryable);
            }
            // no status: OpenCode could not reach the provider at all (see the unreachable fixture)
            return new InvocationFailure(retryable ? Kind.CONNECTION : Kind.UNKNOWN, null, null, safeName, retryable);
        default:
            return new InvocationFailure(Kind.UNKNOWN, status, null, safeName, retryable);
        }
    }

    /** {@code retry-after} in seconds from the provider's response headers, if present and sane. */
    static Duration retryAfter(JsonNode headers) {
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> header = it.next();
            if (header.getKey().toLowerCase(Locale.ROOT).equals("retry-after")) {
                try {
                    long seconds = Long.parseLong(header.getValue().asText().trim());
                    return seconds >= 0 && seconds <= 86_400 ? Duration.ofSeconds(seconds) : null;
                } catch (NumberFormatException httpDate) {
                    return null;
                }
            }
        }
        return null;
    }
}
