package dev.otto.api.spi;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a failed attempt into a {@link Classification}.
 *
 * <p>The router asks the registered classifiers in ranking order (highest {@code service.ranking}
 * first) and takes the first non-empty answer. When none answers, the router itself uses
 * {@link Classification#UNKNOWN} ({@code capacity}/{@code Unknown}); classifiers need not cover
 * every failure. The built-in classifier maps {@link InvocationFailure} kinds roughly as: timeout,
 * abort → {@code timeout}; HTTP 5xx → {@code provider_5xx}; 429, provider retrying, overload →
 * {@code capacity}.
 */
@ConsumerType
public interface FailureClassifier {

    /**
     * Classifies a failure. Must be fast, side-effect free and deterministic: the same failure
     * always gives the same answer. Must not throw.
     *
     * @param failure the failure, usually an {@link InvocationFailure}
     * @return the classification, or empty if this classifier does not recognise the failure
     */
    Optional<Classification> classify(Throwable failure);
}
