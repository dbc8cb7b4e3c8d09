package dev.otto.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ReasonCode;
import dev.otto.api.spi.Classification;
import dev.otto.api.spi.InvocationFailure;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cause-chain walk and the contract of {@code classify}: never throws, never leaks text. */
class DefaultFailureClassifierTest {

    private static final Optional<Classification> CONNECTION =
            Optional.of(new Classification(ReasonCode.PROVIDER_5XX, ErrorClass.CONNECTION_ERROR));

    private final DefaultFailureClassifier classifier = new DefaultFailureClassifier();

    @Test
    void nullIsNotMine() {
        assertThat(classifier.classify(null)).isEmpty();
    }

    @Test
    void aCauseCycleEndsTheWalk() {
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException inner = new IllegalStateException("inner");
        outer.initCause(inner);
        inner.initCause(outer);

        assertThat(classifier.classify(outer)).isEmpty();
    }

    @Test
    void aKnownThrowableBehindACycleIsStillFound() {
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException middle = new IllegalStateException("middle");
        ConnectException refused = new ConnectException("refused");
        outer.initCause(middle);
        middle.initCause(refused);
        refused.initCause(outer);

        assertThat(classifier.classify(outer)).isEqualTo(CONNECTION);
    }

    @Test
    void theWalkLooksAtMaxCauseDepthThrowablesAndNoMore() {
        assertThat(classifier.classify(chainEndingInConnect(DefaultFailureClassifier.MAX_CAUSE_DEPTH)))
                .as("known throwable at the last place looked at").isEqualTo(CONNECTION);
        assertThat(classifier.classify(chainEndingInConnect(DefaultFailureClassifier.MAX_CAUSE_DEPTH + 1)))
                .as("known throwable one place too deep").isEmpty();
    }

    @Test
    void aThrowableWhoseGetCauseThrowsIsNotMineInsteadOfAnException() {
        RuntimeException hostile = new RuntimeException("hostile") {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Throwable getCause() {
                throw new IllegalStateException("boom");
            }
        };

        assertThat(classifier.classify(hostile)).isEmpty();
    }

    @Test
    void theMessageNeverReachesTheErrorClass() {
        SocketException reset = new SocketException("Connection reset by sk-live-SECRET at https://api.example");

        Classification answer = classifier.classify(reset).orElseThrow();

        assertThat(answer.errorClass()).isEqualTo(ErrorClass.CONNECTION_ERROR);
        assertThat(answer.toString()).doesNotContain("SECRET", "reset", "https");
    }

    @Test
    void rateLimitedKeepsRetryAfterOnTheFailureForTheCaller() {
        InvocationFailure limited = InvocationFailure.http(429, Duration.ofSeconds(30));

        assertThat(classifier.classify(limited))
                .contains(new Classification(ReasonCode.CAPACITY, ErrorClass.RATE_LIMITED));
        assertThat(limited.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void theSameFailureAlwaysGetsTheSameAnswer() {
        InvocationFailure failure = new InvocationFailure(InvocationFailure.Kind.PROVIDER_RETRYING, 503, null,
                "APIError", true);

        assertThat(classifier.classify(failure)).isEqualTo(classifier.classify(failure))
                .isEqualTo(new DefaultFailureClassifier().classify(new InvocationFailure(
                        InvocationFailure.Kind.PROVIDER_RETRYING, 503, null, "APIError", true)));
    }

    @Test
    void anUnknownThrowableIsNotMineSoTheRouterFallbackApplies() {
        assertThat(classifier.classify(new IllegalArgumentException("no"))).isEmpty();
        assertThat(classifier.classify(InvocationFailure.of(InvocationFailure.Kind.UNKNOWN, false)))
                .contains(Classification.UNKNOWN);
    }

    /** {@code length} throwables: {@code length - 1} unknown wrappers, then a ConnectException. */
    private static Throwable chainEndingInConnect(int length) {
        Throwable current = new ConnectException("refused");
        for (int i = 1; i < length; i++) {
            current = new RuntimeException("wrapper " + i, current);
        }
        return current;
    }
}
