package dev.otto.api.spi;

import dev.otto.api.model.ModelRef;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs a prompt on a model: the only code that talks to providers. The router picks, for each
 * attempt, the highest-ranked invoker whose {@link #supports} accepts the model.
 */
@ConsumerType
public interface ModelInvoker {

    /**
     * Returns a short name for shell output and logs, e.g. {@code opencode}.
     *
     * @return the invoker's name
     */
    String name();

    /**
     * Tells whether this invoker can run the model. Must be fast and must not call the network.
     *
     * @param model the model
     * @return true if {@link #invoke} can run it
     */
    boolean supports(ModelRef model);

    /**
     * Runs one attempt. Must return or throw by {@link Invocation#deadline()}, aborting any
     * provider-side work (such as an OpenCode session that retries without end) so the router can
     * fail over, and must treat thread interruption as an abort.
     *
     * @param invocation the attempt
     * @return the answer
     * @throws InvocationFailure if the attempt failed; it carries non-secret diagnostics only
     */
    InvocationResult invoke(Invocation invocation) throws InvocationFailure;
}
