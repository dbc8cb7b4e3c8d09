package dev.otto.classifier;

import dev.otto.api.spi.Classification;
import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.PluginName;
import dev.otto.api.spi.PluginProperties;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Otto's built-in {@link FailureClassifier}: maps an {@link InvocationFailure} (by kind, provider
 * error name and HTTP status) and the JDK's own timeout and connection exceptions to a reason code
 * and an error class. The tables are in the bundle's README.
 *
 * <p>The cause chain is walked from the outermost throwable inwards, at most
 * {@value #MAX_CAUSE_DEPTH} deep and never twice through the same throwable, and the first
 * throwable a rule knows decides: an invoker's explicit {@code InvocationFailure} wins over the
 * I/O exception it wraps, and an {@code ExecutionException} around a timeout is a timeout.
 *
 * <p>A throwable no rule knows is answered with empty ("not mine"), not with
 * {@link Classification#UNKNOWN}: this classifier has the lowest ranking, so the router's own
 * fallback gives the same {@code capacity}/{@code Unknown}, and the router can still tell "nobody
 * recognised it" from "recognised as unknown". An {@code InvocationFailure} of kind {@code UNKNOWN}
 * is recognised (the invoker did report a failed invocation) and answered {@code capacity}/{@code Unknown}.
 */
// a negative ranking: any classifier an administrator adds is asked first
@Component(service = FailureClassifier.class,
        property = "service.ranking:Integer=" + PluginProperties.DEFAULT_RANKING)
@PluginName(DefaultFailureClassifier.NAME)
public final class DefaultFailureClassifier implements FailureClassifier {

    /** The value of this plugin's {@value PluginProperties#NAME} service property. */
    public static final String NAME = "default";

    /** How many throwables of a cause chain are looked at, the failure itself included. */
    public static final int MAX_CAUSE_DEPTH = 16;

    @Override
    public Optional<Classification> classify(Throwable failure) {
        try {
            // the set of causes seen is built only when there is a cause to look at: most failures
            // an invoker throws are classified as they are (one allocation less per failed attempt)
            Set<Throwable> seen = null;
            Throwable current = failure;
            for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
                if (depth > 0) {
                    if (seen == null) {
                        seen = Collections.newSetFromMap(new IdentityHashMap<>());
                        seen.add(failure);
                    }
                    if (!seen.add(current)) {
                        break;
                    }
                }
                Optional<Classification> found = FailureRules.ofThrowable(current);
                if (found.isPresent()) {
                    return found;
                }
                current = current.getCause();
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            // only a foreign Throwable overriding getCause() can get here; the contract is to never
            // throw into the router, and "not mine" lets the router's fallback classify the failure
            return Optional.empty();
        }
    }
}
