package dev.otto.invoker.openai;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;

/**
 * A streamed answer built from its chat completion chunks ({@code data: {json}} events, then
 * {@code data: [DONE]}): the text is the concatenated {@code choices[0].delta.content}, the tokens
 * come from the last {@code usage} (the final chunk, asked for with {@code include_usage}), the
 * answering model from the chunks' {@code model}.
 *
 * <p>Not thread-safe: fed by one body subscriber, whose calls are serialised.
 */
final class StreamedAnswer {

    private static final byte[] DONE = { '[', 'D', 'O', 'N', 'E', ']' };

    private final int status;
    private final StringBuilder text = new StringBuilder();
    private long tokensIn;
    private long tokensOut;
    private String model;
    private boolean chunkSeen;
    private boolean outputBegan;
    private boolean finished;
    private boolean done;

    /**
     * @param status the answer's 2xx status, for the failures it reports
     */
    StreamedAnswer(int status) {
        this.status = status;
    }

    /**
     * Takes one event's data.
     *
     * @return true if this chunk was the first to carry output (a delta with any non-null field:
     *     content, role, reasoning, tool calls)
     * @throws InvocationFailure if the data is not a chat completion chunk, or the chunk ends the
     *     attempt (an error object, {@code finish_reason} {@code length} or {@code content_filter})
     */
    boolean accept(byte[] data, int length) throws InvocationFailure {
        if (isDone(data, length)) {
            if (!chunkSeen) {
                throw ChatAnswers.malformed(status);
            }
            done = true;
            return false;
        }
        JsonNode root;
        try {
            root = ChatAnswers.MAPPER.readTree(data, 0, length);
        } catch (IOException notJson) {
            throw ChatAnswers.malformed(status);
        }
        if (root == null || !root.isObject()) {
            throw ChatAnswers.malformed(status);
        }
        JsonNode choices = root.path("choices");
        if (!choices.isArray()) {
            if (root.path("error").isObject()) {
                throw ChatAnswers.errorInAnswer(root, status);
            }
            if (!choices.isMissingNode() || !root.path("usage").isObject()) {
                throw ChatAnswers.malformed(status);
            }
            // a usage chunk without choices (OpenAI's has "choices":[])
        }
        chunkSeen = true;
        if (model == null && root.path("model").isTextual()) {
            model = root.path("model").asText();
        }
        JsonNode usage = root.path("usage");
        if (usage.isObject()) {
            tokensIn = ChatAnswers.tokens(usage.path("prompt_tokens"));
            tokensOut = ChatAnswers.tokens(usage.path("completion_tokens"));
        }
        if (choices.size() == 0) {
            return false;
        }
        JsonNode choice = choices.get(0);
        if (!choice.isObject()) {
            throw ChatAnswers.malformed(status);
        }
        boolean output = false;
        JsonNode delta = choice.path("delta");
        if (delta.isObject()) {
            JsonNode content = delta.path("content");
            if (!content.isMissingNode() && !content.isNull()) {
                String piece = ChatAnswers.text(content);
                if (piece == null) {
                    throw ChatAnswers.malformed(status);
                }
                text.append(piece);
            }
            for (JsonNode field : delta) {
                output |= !field.isNull();
            }
        } else if (!delta.isMissingNode() && !delta.isNull()) {
            throw ChatAnswers.malformed(status);
        }
        finished |= ChatAnswers.finishReason(choice, status);
        boolean first = output && !outputBegan;
        outputBegan |= output;
        return first;
    }

    /** Whether {@code data: [DONE]} came. */
    boolean done() {
        return done;
    }

    /** Whether a chunk gave a finish reason: the text is complete, only the usage and {@code [DONE]} may be missing. */
    boolean finished() {
        return finished;
    }

    /**
     * The answer.
     *
     * @throws InvocationFailure a malformed answer if no chat completion chunk came
     */
    InvocationResult result(ModelRef asked) throws InvocationFailure {
        if (!chunkSeen) {
            throw ChatAnswers.malformed(status);
        }
        return new InvocationResult(text.toString(), tokensIn, tokensOut, ChatAnswers.answeredBy(model, asked));
    }

    private static boolean isDone(byte[] data, int length) {
        int start = 0;
        int end = length;
        while (start < end && Character.isWhitespace(data[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(data[end - 1])) {
            end--;
        }
        return end - start == DONE.length && java.util.Arrays.equals(data, start, end, DONE, 0, DONE.length);
    }
}
