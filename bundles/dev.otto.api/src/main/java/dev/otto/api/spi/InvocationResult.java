package dev.otto.api.spi;

import dev.otto.api.model.ModelRef;
import java.util.Objects;

/**
 * A model's answer to an {@link Invocation}. {@code toString()} redacts the text.
 *
 * @param text the answer; may be empty; never logged
 * @param tokensIn input tokens reported by the provider, 0 if unknown
 * @param tokensOut output tokens reported by the provider, 0 if unknown
 * @param answeredBy the model that actually answered, as the provider reports it (normally the
 *     invoked model)
 */
public record InvocationResult(String text, long tokensIn, long tokensOut, ModelRef answeredBy) {

    /** Validates the fields. */
    public InvocationResult {
        Objects.requireNonNull(text, "text must not be null");
        Objects.requireNonNull(answeredBy, "answeredBy must not be null");
        if (tokensIn < 0 || tokensOut < 0) {
            throw badTokens(tokensIn, tokensOut);
        }
    }

    // the message is built out of line: the constructor runs per answer, and small it is inlined by the JIT
    private static IllegalArgumentException badTokens(long tokensIn, long tokensOut) {
        return new IllegalArgumentException("tokens are " + tokensIn + " in, " + tokensOut + " out: expected >= 0");
    }

    /** Redacts the answer: model output is user content and never appears in logs. */
    @Override
    public String toString() {
        return "InvocationResult[text=<redacted " + text.length() + " chars>, tokensIn=" + tokensIn + ", tokensOut="
                + tokensOut + ", answeredBy=" + answeredBy + "]";
    }
}
