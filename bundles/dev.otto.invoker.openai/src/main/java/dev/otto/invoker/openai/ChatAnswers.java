package dev.otto.invoker.openai;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.support.provider.ProviderErrors;
import dev.otto.api.spi.InvocationResult;

/**
 * The chat completions wire format: the request body, a whole answer, the parts of an answer that
 * {@link StreamedAnswer} shares, and an error answer turned into an {@link InvocationFailure} that
 * the default classifier maps (see this bundle's README). Only type names, statuses and numbers
 * leave here; provider messages and bodies never do.
 */
final class ChatAnswers {

    /** Name of a 2xx answer the invoker cannot use: the classifier maps it to {@code MalformedResponse}. */
    static final String MALFORMED = "MalformedResponse";
    /** Name of a 2xx answer larger than {@code maxResponseBytes}; its 2xx status maps it to {@code MalformedResponse}. */
    static final String TOO_LARGE = "ResponseTooLarge";
    /** Name of an attempt without the configured API key; the kind {@code AUTH} decides its class. */
    static final String MISSING_API_KEY = "MissingApiKey";
    /** OpenAI's error code for a prompt larger than the context window. */
    static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    /** Reads every answer and chunk; thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Longest returned {@code model} taken as the answering model; anything longer is not a model id. */
    private static final int MAX_MODEL_ID = 200;

    private ChatAnswers() {
    }

    /**
     * {@code {"model":...,"messages":[{"role":"user","content":...}],"stream":true,
     * "stream_options":{"include_usage":true}}}: the answer streams, and its last chunk carries the
     * usage.
     */
    static byte[] request(String modelId, String prompt) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", modelId);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", prompt);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a chat completions request", e); // not reachable for a tree
        }
    }

    /**
     * Reads a whole (not streamed) 2xx answer, as a server that ignores {@code stream} sends it:
     * text from {@code choices[0].message.content}, tokens from
     * {@code usage.prompt_tokens}/{@code completion_tokens}, the model from {@code model} when it
     * parses as a model of the provider asked.
     */
    static InvocationResult result(int status, byte[] body, ModelRef asked) throws InvocationFailure {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw malformed(status);
        }
        if (root == null || !root.isObject()) {
            throw malformed(status);
        }
        JsonNode choice = root.path("choices").path(0);
        if (!choice.isObject()) {
            if (root.path("error").isObject()) {
                throw errorInAnswer(root, status);
            }
            throw malformed(status);
        }
        finishReason(choice, status);
        String text = text(choice.path("message").path("content"));
        if (text == null) {
            throw malformed(status);
        }
        JsonNode usage = root.path("usage");
        return new InvocationResult(text, tokens(usage.path("prompt_tokens")), tokens(usage.path("completion_tokens")),
                answeredBy(root.path("model").isTextual() ? root.path("model").asText() : null, asked));
    }

    /**
     * Fails an answer that was cut at the output limit ({@code length}: the next model may finish it,
     * as OpenCode's {@code MessageOutputLengthError} is a failure) or filtered ({@code content_filter}).
     *
     * @return whether the choice has a finish reason at all
     */
    static boolean finishReason(JsonNode choice, int status) throws InvocationFailure {
        JsonNode reason = choice.path("finish_reason");
        if (!reason.isTextual()) {
            return false;
        }
        if ("length".equals(reason.asText())) {
            throw InvocationFailure.of(Kind.OUTPUT_LENGTH, false);
        }
        if ("content_filter".equals(reason.asText())) {
            throw new InvocationFailure(Kind.UNKNOWN, status, null, "content_filter", false);
        }
        return true;
    }

    /** Some gateways answer an upstream failure with 2xx and an error object (OpenAI does so mid-stream). */
    static InvocationFailure errorInAnswer(JsonNode root, int status) {
        return new InvocationFailure(Kind.UNKNOWN, status, null, errorName(root).orElse(MALFORMED), false);
    }

    /** {@code error.code}, {@code error.type} and {@code error.message} of an error body (OpenAI and Anthropic shapes). */
    private static String[] errorFields(JsonNode root) {
        JsonNode error = root.path("error");
        return new String[] { textOf(error.path("code")), textOf(error.path("type")), textOf(error.path("message")) };
    }

    private static String textOf(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    /** A string, or (some compatible servers) an array of {@code {"type":"text","text":...}} parts; null if neither. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("text").isTextual()) {
                    return null;
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        return null;
    }

    static long tokens(JsonNode count) {
        return count.canConvertToLong() && count.isIntegralNumber() && count.asLong() >= 0 ? count.asLong() : 0;
    }

    /** The returned {@code model} as a model of the provider asked; the model asked when it is absent or not a model id. */
    static ModelRef answeredBy(String model, ModelRef asked) {
        if (model == null || model.isBlank() || model.length() > MAX_MODEL_ID) {
            return asked;
        }
        try {
            return ModelRef.of(asked.providerId(), model);
        } catch (IllegalArgumentException notAModelId) {
            return asked;
        }
    }

    static InvocationFailure malformed(int status) {
        return new InvocationFailure(Kind.HTTP_STATUS, status, null, MALFORMED, false);
    }

    /**
     * Turns an error status into a failure, read as OpenCode's errors are
     * ({@link ProviderErrors#http}): 401/403 are {@code AUTH}, a context overflow is
     * {@code CONTEXT_OVERFLOW}, a 400/422 with no specific code or type {@code INVALID_REQUEST},
     * everything else {@code HTTP_STATUS}; the name is the error's specific code or type, else the
     * one its message implies. The message is read, never kept.
     *
     * @param body the error body, or null if it was too large to read
     */
    static InvocationFailure error(int status, HttpHeaders headers, byte[] body, Instant now) {
        Duration retryAfter = retryAfter(headers, now);
        String[] fields = new String[3];
        if (body != null) {
            try {
                JsonNode root = MAPPER.readTree(body);
                if (root != null) {
                    fields = errorFields(root);
                }
            } catch (IOException | RuntimeException notJson) {
                // a body that is not JSON names nothing
            }
        }
        return ProviderErrors.http(status, fields[0], fields[1], fields[2], retryAfter);
    }

    /** The error's most specific name ({@link ProviderErrors#nameOf}); never its message. */
    static Optional<String> errorName(JsonNode root) {
        String[] fields = errorFields(root);
        return Optional.ofNullable(ProviderErrors.nameOf(fields[0], fields[1], fields[2]));
    }

    /**
     * {@code Retry-After} in seconds or as an HTTP date (a past date is zero); else OpenAI's
     * {@code retry-after-ms}; null if absent or unreadable.
     */
    static Duration retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("retry-after").map(String::strip);
        if (value.isPresent()) {
            String text = value.get();
            if (text.matches("[0-9]{1,10}")) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            try {
                Duration left = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return left.isNegative() ? Duration.ZERO : left;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
        Optional<String> millis = headers.firstValue("retry-after-ms").map(String::strip);
        if (millis.isPresent() && millis.get().matches("[0-9]{1,13}")) {
            return Duration.ofMillis(Long.parseLong(millis.get()));
        }
        return null;
    }
}
