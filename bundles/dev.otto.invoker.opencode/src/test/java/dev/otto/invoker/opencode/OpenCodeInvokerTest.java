package dev.otto.invoker.opencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.osgi.service.log.Logger;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationFailure.Kind;
import dev.otto.api.spi.InvocationResult;
import dev.otto.support.testing.Eventually;

/** The invoker against event sequences real OpenCode sessions sent, one per way a provider fails. */
class OpenCodeInvokerTest {

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private OpenCodeInvoker invoker;

    @AfterEach
    void stop() throws InterruptedException {
        if (invoker != null) {
            invoker.deactivate();
        }
    }

    private InvocationResult invoke(ReplayedOpenCode openCode, Duration firstToken, Duration stall) throws InvocationFailure {
        invoker = new OpenCodeInvoker(openCode, logger(log), config(false));
        return invoker.invoke(new Invocation("0190a0b0-c0d0-7000-8000-000000000001", "task-1", 1,
                ModelRef.parse("stub/x"), "say hi", Instant.now().plusSeconds(30), firstToken, stall));
    }

    private InvocationFailure failure(String scenario, boolean abort) {
        ReplayedOpenCode openCode = new ReplayedOpenCode(scenario);
        try {
            invoke(openCode, Duration.ofMillis(300), Duration.ofMillis(300));
        } catch (InvocationFailure failure) {
            String delete = "DELETE /session/" + openCode.sessionId();
            String aborted = "POST /session/" + openCode.sessionId() + "/abort";
            Eventually.await("the session of " + scenario + " deleted", () -> openCode.requests.contains(delete));
            if (abort) {
                assertThat(openCode.requests).as(scenario + ": abort before delete").containsSubsequence(aborted, delete);
            } else {
                assertThat(openCode.requests).as(scenario + ": OpenCode stopped by itself, no abort").doesNotContain(aborted);
            }
            return failure;
        }
        throw new AssertionError(scenario + " answered");
    }

    /**
     * Kind, status, name: what the shared provider reading makes of each real failure; and whether
     * the session needs an abort (it does while OpenCode would go on: retries, loops, limits).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "fail-500            | PROVIDER_RETRYING   | 500 | - | yes",
        "fail-503-overloaded | PROVIDER_RETRYING   | 529 | overloaded_error | yes",
        "fail-429-retry-after| PROVIDER_RETRYING   | 429 | rate_limit_exceeded | yes",
        "fail-429-quota      | PROVIDER_RETRYING   | 429 | insufficient_quota | yes",
        "fail-401            | AUTH                | 401 | invalid_api_key | no",
        "fail-400-context    | CONTEXT_OVERFLOW    | -   | ContextOverflowError | no",
        "fail-400-filter     | HTTP_STATUS         | 400 | content_filter | no",
        "fail-404            | HTTP_STATUS         | 404 | model_not_found | no",
        "reset               | CONNECTION          | -   | - | yes",
        "cut                 | CONNECTION          | -   | - | yes",
        "cut-clean           | CONNECTION          | -   | - | yes",
        "malformed           | UNKNOWN             | -   | MalformedResponse | no",
        "malformed-json      | HTTP_STATUS         | 200 | MalformedResponse | yes",
        "empty               | HTTP_STATUS         | 200 | MalformedResponse | yes",
        "empty-sse           | HTTP_STATUS         | 200 | MalformedResponse | yes",
        "not-there           | UNKNOWN             | -   | model_not_found | no",
        "openai-gpt-5o       | UNKNOWN             | -   | model_not_found | no",
        "filter-stream       | UNKNOWN             | -   | content_filter | no",
        "length-stream       | OUTPUT_LENGTH       | -   | - | yes",
        "silent              | FIRST_TOKEN_TIMEOUT | -   | - | yes",
        "stall               | STALL_TIMEOUT       | -   | - | yes",
    })
    void eachRealFailureReadsAsTheProviderAnsweredIt(String scenario, Kind kind, Integer status, String name,
            String abort) {
        InvocationFailure failure = failure(scenario, abort.equals("yes"));
        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.httpStatus().isPresent() ? failure.httpStatus().getAsInt() : null).isEqualTo(status);
        assertThat(failure.providerErrorName().orElse(null)).isEqualTo(name);
        assertThat(failure.getMessage()).as("no provider text").doesNotContain("boom", "Rate limit reached",
                "exceeded your current quota", "Model not found", "The server is overloaded", "Incorrect API key");
    }

    @Test
    void anAnswerComesFromTheEventsWithThreeRequestsAndNoAbort() throws Exception {
        ReplayedOpenCode openCode = new ReplayedOpenCode("ok");
        InvocationResult result = invoke(openCode, Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(result.text()).isEqualTo("Hello from stub.");
        assertThat(result.tokensIn()).isEqualTo(123);
        assertThat(result.tokensOut()).isEqualTo(7);
        assertThat(result.answeredBy()).isEqualTo(ModelRef.parse("stub/ok"));
        Eventually.await("the session deleted", () -> openCode.requests.size() == 3);
        assertThat(openCode.requests).containsExactly("POST /session", "POST /session/" + openCode.sessionId()
                + "/prompt_async", "DELETE /session/" + openCode.sessionId());
    }

    @Test
    void whileTheStreamIsDownTheSessionIsReadOverHttp() {
        ReplayedOpenCode openCode = new ReplayedOpenCode("silent");
        openCode.live = false;
        openCode.status = "{\"" + openCode.sessionId() + "\":{\"type\":\"retry\",\"attempt\":1,\"message\":\"boom\","
                + "\"next\":" + (System.currentTimeMillis() + 2000) + "}}";
        assertThatThrownBy(() -> invoke(openCode, Duration.ofSeconds(20), Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(InvocationFailure.class, f -> assertThat(f.kind()).isEqualTo(Kind.PROVIDER_RETRYING));
        assertThat(openCode.requests).contains("GET /session/status");
    }

    @Test
    void openCodesRetryTimeIsTakenForARetryAfterOnlyOutsideItsOwnFirstBackoff() {
        long now = 1_000_000L;
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 998, now, 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 2_994, now, 1)).isEqualTo(Duration.ofSeconds(3));
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 29_999, now, 1)).isEqualTo(Duration.ofSeconds(30));
        // OpenCode's own backoff before its second try (2 to 2.5 s), or a Retry-After of 2 s: not told apart
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 1_998, now, 1)).isNull();
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 2_134, now, 1)).isNull();
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 2_472, now, 1)).isNull();
        assertThat(OpenCodeErrors.retryAfterFromNext(now + 9_000, now, 3)).as("a later try has another backoff").isNull();
        assertThat(OpenCodeErrors.retryAfterFromNext(now - 5, now, 1)).isNull();
    }

    private static OpenCodeInvoker.Config config(boolean keep) {
        return new OpenCodeInvoker.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OpenCodeInvoker.Config.class;
            }

            @Override
            public long pollMillis() {
                return 50;
            }

            @Override
            public boolean keepSessions() {
                return keep;
            }

            @Override
            public String agent() {
                return "";
            }
        };
    }

    static Logger logger(List<String> lines) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] { Logger.class },
                (proxy, method, args) -> {
                    if (args != null && args.length > 0 && args[0] instanceof String text) {
                        lines.add(method.getName() + " " + text);
                    }
                    return method.getName().startsWith("is") ? Boolean.TRUE : null;
                });
    }
}
