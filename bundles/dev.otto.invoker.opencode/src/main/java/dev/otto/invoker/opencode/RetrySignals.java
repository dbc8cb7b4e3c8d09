package dev.otto.invoker.opencode;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a provider's retry message means. OpenCode reports only the provider's message text when
 * it retries (no HTTP status), so Otto reads the text the way real providers word their errors and
 * turns it into the status the classifier understands: rate limits and quota → 429, overload →
 * 529 (both {@code capacity}); any other retryable failure → no status ({@code provider_5xx}).
 * The message itself is never kept or logged.
 */
final class RetrySignals {

    /** A status and the phrases that imply it, checked in order. */
    record Rule(int status, Pattern phrases) {
    }

    static final List<Rule> RULES = List.of(
            new Rule(529, Pattern.compile("overloaded|over capacity|at capacity|capacity exceeded|server is busy|"
                    + "too busy|temporarily unavailable due to (high )?(load|demand)|\\b529\\b")),
            new Rule(429, Pattern.compile("rate[ _-]?limit|too many requests|\\b429\\b|quota|insufficient[_ ]quota|"
                    + "resource[_ ]exhausted|tokens per min|requests per min|\\btpm\\b|\\brpm\\b|usage limit")));

    private RetrySignals() {
    }

    /** The HTTP status a retry message implies, or null for "some other retryable provider failure". */
    static Integer impliedStatus(String message) {
        if (message == null) {
            return null;
        }
        String text = message.toLowerCase(Locale.ROOT);
        for (Rule rule : RULES) {
            if (rule.phrases().matcher(text).find()) {
                return rule.status();
            }
        }
        return null;
    }
}
