package dev.otto.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.ModelRef;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SpiRecordsTest {

    static final ModelRef GPT52 = ModelRef.parse("openai/gpt-5.2");
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void invocationRedactsPromptAndComputesRemaining() {
        Invocation invocation = new Invocation("run-1", "task-1", 1, GPT52, "my secret prompt", T0.plusSeconds(60));

        assertThat(invocation.toString()).doesNotContain("secret").contains("prompt=<redacted 16 chars>");
        assertThat(invocation.remaining(T0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(invocation.remaining(T0.plusSeconds(61))).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> new Invocation("run-1", "task-1", 0, GPT52, "p", T0)).hasMessageStartingWith("attempt is 0");
    }

    @Test
    void invocationResultRedactsText() {
        InvocationResult result = new InvocationResult("private answer", 3, 4, GPT52);

        assertThat(result.toString()).doesNotContain("private").contains("text=<redacted 14 chars>");
        assertThatThrownBy(() -> new InvocationResult("", -1, 0, GPT52)).hasMessageStartingWith("tokens are -1 in");
    }

    @Test
    void invocationFailureMessageComesFromFieldsOnly() {
        InvocationFailure http = InvocationFailure.http(503, Duration.ofSeconds(5));
        assertThat(http).hasMessage("invocation failed: HTTP_STATUS, HTTP 503, retry after PT5S, retryable");
        assertThat(http.httpStatus()).hasValue(503);
        assertThat(http.retryAfter()).contains(Duration.ofSeconds(5));
        assertThat(http.retryable()).isTrue();
        assertThat(InvocationFailure.http(400, null).retryable()).isFalse();
        assertThat(InvocationFailure.http(429, null).retryable()).isTrue();

        InvocationFailure retrying = InvocationFailure.providerRetrying("APIError");
        assertThat(retrying).hasMessage("invocation failed: PROVIDER_RETRYING, provider error APIError, retryable");
        assertThat(retrying.httpStatus()).isEmpty();
        assertThat(InvocationFailure.timeout().kind()).isEqualTo(InvocationFailure.Kind.TIMEOUT);
    }

    @Test
    void invocationFailureRejectsMessagesAndBadStatus() {
        assertThatThrownBy(() -> InvocationFailure.providerRetrying("Cannot connect to API: key sk-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-1");
        assertThatThrownBy(() -> InvocationFailure.http(700, null)).hasMessageContaining("expected 100..599");
        assertThatThrownBy(() -> new InvocationFailure(InvocationFailure.Kind.HTTP_STATUS, null, null, null, false))
                .hasMessageContaining("httpStatus is required");
    }

    @Test
    void classificationIsAFailure() {
        assertThat(Classification.UNKNOWN).isEqualTo(new Classification(ReasonCode.CAPACITY, ErrorClass.UNKNOWN));
        assertThatThrownBy(() -> new Classification(ReasonCode.NONE, ErrorClass.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinkStatsDefaultIsEmpty() {
        TelemetrySink sink = new TelemetrySink() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void accept(dev.otto.api.telemetry.TelemetryRecord record) {
            }
        };
        assertThat(sink.stats()).isEmpty();
        assertThatThrownBy(() -> new SinkStats(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pluginNameMapsToTheDocumentedProperty() {
        // DS derives "plugin.name" from the single-element annotation's name; PREFIX_ adds "otto.".
        assertThat(PluginName.PREFIX_ + "plugin.name").isEqualTo(PluginProperties.NAME);
        assertThat(PluginProperties.DEFAULT_RANKING).isNegative();
    }

    @Test
    void invocationFailuresCarryNoStackTraceButKeepACause() {
        InvocationFailure failure = InvocationFailure.http(500, null);
        assertThat(failure.getStackTrace()).isEmpty();
        java.io.IOException cause = new java.io.IOException("reset");
        failure.initCause(cause);
        assertThat(failure.getCause()).isSameAs(cause);
        assertThat(cause.getStackTrace()).isNotEmpty();
        java.io.StringWriter printed = new java.io.StringWriter();
        failure.printStackTrace(new java.io.PrintWriter(printed));
        assertThat(printed.toString()).contains("HTTP 500").contains("Caused by: java.io.IOException: reset");
    }
}
