package dev.otto.support.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;

/** The shapes real providers and OpenCode give their errors (see the fault matrix in itest/README.md). */
class ProviderErrorsTest {

    @Test
    void aSpecificCodeOrTypeWinsAndAGenericOneLetsTheMessageSpeak() {
        assertThat(ProviderErrors.nameOf("insufficient_quota", "insufficient_quota", "You exceeded your current quota"))
                .isEqualTo("insufficient_quota");
        assertThat(ProviderErrors.nameOf(null, "overloaded_error", "Overloaded")).isEqualTo("overloaded_error");
        assertThat(ProviderErrors.nameOf(null, "server_error", "The server is overloaded")).isEqualTo("overloaded_error");
        assertThat(ProviderErrors.nameOf(null, "server_error", "boom")).isEqualTo("server_error");
        assertThat(ProviderErrors.nameOf(null, null, "no idea")).isNull();
        assertThat(ProviderErrors.nameOf("bad code!", null, null)).as("never a text that is not a name").isNull();
    }

    @Test
    void httpAnswersGetTheKindTheirStatusAndNameSay() {
        InvocationFailure auth = ProviderErrors.http(401, "invalid_api_key", "invalid_request_error", "Incorrect API key", null);
        assertThat(auth.kind()).isEqualTo(Kind.AUTH);
        InvocationFailure overflow = ProviderErrors.http(400, "context_length_exceeded", "invalid_request_error",
                "maximum context length", null);
        assertThat(overflow.kind()).isEqualTo(Kind.CONTEXT_OVERFLOW);
        InvocationFailure filtered = ProviderErrors.http(400, "content_filter", "invalid_request_error", "filtered", null);
        assertThat(filtered.kind()).isEqualTo(Kind.HTTP_STATUS);
        assertThat(filtered.providerErrorName()).contains("content_filter");
        InvocationFailure bad = ProviderErrors.http(400, null, "invalid_request_error", "messages is required", null);
        assertThat(bad.kind()).isEqualTo(Kind.INVALID_REQUEST);
        InvocationFailure limited = ProviderErrors.http(429, "rate_limit_exceeded", null, "Rate limit reached",
                Duration.ofSeconds(2));
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(limited.retryable()).isTrue();
        assertThat(ProviderErrors.http(500, null, "server_error", "boom", null).providerErrorName()).contains("server_error");
        assertThat(ProviderErrors.http(500, null, "server_error", "boom", null).getMessage()).doesNotContain("boom");
    }

    @Test
    void openCodesRetryMessagesReadAsTheAnswerBehindThem() {
        assertThat(ProviderErrors.retrying("boom", null).httpStatus()).hasValue(500);
        InvocationFailure overloaded = ProviderErrors.retrying("The server is overloaded", null);
        assertThat(overloaded.providerErrorName()).contains("overloaded_error");
        InvocationFailure limited = ProviderErrors.retrying("Rate limit reached", Duration.ofSeconds(2));
        assertThat(limited.providerErrorName()).contains("rate_limit_exceeded");
        assertThat(limited.httpStatus()).hasValue(429);
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(ProviderErrors.retrying("You exceeded your current quota", null).providerErrorName())
                .contains("insufficient_quota");
        assertThat(ProviderErrors.retrying("Cannot connect to API: The socket connection was closed unexpectedly."
                + " For more information, pass `verbose: true` in the second argument to fetch()", null).kind())
                .isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.retrying("Cannot connect to API: Unable to connect. Is the computer able to access"
                + " the url?", null).kind()).isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.retrying("Connection reset by server", null).kind()).isEqualTo(Kind.CONNECTION);
        assertThat(ProviderErrors.retrying("Provider response headers timed out after 4000ms", null).kind())
                .isEqualTo(Kind.FIRST_TOKEN_TIMEOUT);
        assertThat(ProviderErrors.retrying("SSE read timed out", null).kind()).isEqualTo(Kind.STALL_TIMEOUT);
    }

    @Test
    void openCodesMessageOnlyErrorsReadByTheirMessage() {
        InvocationFailure unknownModel = ProviderErrors.withoutStatus("UnknownError",
                "Model not found: openai/gpt-5o. Did you mean: gpt-5-pro?", false);
        assertThat(unknownModel.providerErrorName()).contains("model_not_found");
        assertThat(ProviderErrors.withoutStatus("UnknownError", "JSON parsing failed: Text: {not json", false)
                .providerErrorName()).contains(ProviderErrors.MALFORMED);
        assertThat(ProviderErrors.withoutStatus("UnknownError", "The operation timed out.", false).kind())
                .isEqualTo(Kind.TIMEOUT);
        assertThat(ProviderErrors.withoutStatus("APIError", "something odd", true).kind()).isEqualTo(Kind.CONNECTION);
        InvocationFailure odd = ProviderErrors.withoutStatus("UnknownError", "something odd", false);
        assertThat(odd.kind()).isEqualTo(Kind.UNKNOWN);
        assertThat(odd.providerErrorName()).contains("UnknownError");
        assertThat(odd.getMessage()).doesNotContain("odd");
    }
}
