package dev.otto.invoker.opencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.otto.api.spi.InvocationFailure;

class RetrySignalsTest {

    /** What real providers say when OpenCode retries, and the status Otto infers (blank: none, i.e. provider_5xx). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Rate limit reached for gpt-5.2 in organization org-x on tokens per min (TPM): Limit 30000 | 429",
        "You exceeded your current quota, please check your plan and billing details | 429",
        "429 Too Many Requests | 429",
        "Resource has been exhausted (e.g. check quota). | 429",
        "insufficient_quota | 429",
        "Overloaded | 529",
        "The model is currently overloaded with other requests. | 529",
        "Service temporarily unavailable due to high demand | 529",
        "boom | ",
        "Internal server error | ",
        "Bad gateway | ",
        "upstream connect error or disconnect/reset before headers | ",
    })
    void providerMessagesMapToTheStatusTheClassifierUnderstands(String message, Integer expected) {
        assertThat(RetrySignals.impliedStatus(message)).isEqualTo(expected);
    }

    @Test
    void noMessageMeansNoStatus() {
        assertThat(RetrySignals.impliedStatus(null)).isNull();
    }

    @Test
    void openCodeErrorShapesBecomeFailuresWithoutTheirMessages() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode unreachable = json.readTree("{\"name\":\"APIError\",\"data\":{\"message\":\"Cannot connect to API: secret-host\","
                + "\"isRetryable\":true}}");
        InvocationFailure connection = OpenCodeErrors.failure(unreachable);
        assertThat(connection.kind()).isEqualTo(InvocationFailure.Kind.CONNECTION);
        assertThat(connection.getMessage()).doesNotContain("secret-host");

        InvocationFailure http = OpenCodeErrors.failure(json.readTree("{\"name\":\"APIError\",\"data\":{\"message\":\"x\","
                + "\"statusCode\":429,\"isRetryable\":true,\"responseHeaders\":{\"Retry-After\":\"7\"},\"responseBody\":\"sk-LEAK\"}}"));
        assertThat(http.kind()).isEqualTo(InvocationFailure.Kind.HTTP_STATUS);
        assertThat(http.httpStatus()).hasValue(429);
        assertThat(http.retryAfter()).hasValue(java.time.Duration.ofSeconds(7));
        assertThat(http.getMessage()).doesNotContain("sk-LEAK");

        assertThat(OpenCodeErrors.failure(json.readTree("{\"name\":\"ProviderAuthError\",\"data\":{\"providerID\":\"openai\","
                + "\"message\":\"bad key\"}}")).kind()).isEqualTo(InvocationFailure.Kind.AUTH);
        assertThat(OpenCodeErrors.failure(json.readTree("{\"name\":\"MessageAbortedError\",\"data\":{\"message\":\"a\"}}")).kind())
                .isEqualTo(InvocationFailure.Kind.ABORTED);
        assertThat(OpenCodeErrors.failure(json.readTree("{\"name\":\"MessageOutputLengthError\",\"data\":{}}")).kind())
                .isEqualTo(InvocationFailure.Kind.OUTPUT_LENGTH);
        assertThat(OpenCodeErrors.failure(json.readTree("{\"name\":\"ContextOverflowError\",\"data\":{\"message\":\"m\"}}")).kind())
                .isEqualTo(InvocationFailure.Kind.CONTEXT_OVERFLOW);
        InvocationFailure odd = OpenCodeErrors.failure(json.readTree("{\"name\":\"has spaces: not a name\",\"data\":{}}"));
        assertThat(odd.kind()).isEqualTo(InvocationFailure.Kind.UNKNOWN);
        assertThat(odd.providerErrorName()).isEmpty();
    }

    @Test
    void theRealUnreachableFixtureIsAConnectionFailure() throws Exception {
        Path fixture = Path.of("../../../shared/fixtures/opencode-1.18.33/session-message.unreachable.json");
        if (!Files.exists(fixture)) {
            fixture = Path.of("../../shared/fixtures/opencode-1.18.33/session-message.unreachable.json");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(fixture), "the shared fixtures sit beside the checkout");
        JsonNode error = new ObjectMapper().readTree(fixture.toFile()).path("info").path("error");
        assertThat(OpenCodeErrors.failure(error).kind()).isEqualTo(InvocationFailure.Kind.CONNECTION);
    }
}
