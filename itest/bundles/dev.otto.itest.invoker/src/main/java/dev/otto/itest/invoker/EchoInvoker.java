package dev.otto.itest.invoker;

import org.osgi.service.component.annotations.Component;

import dev.otto.api.model.ModelRef;
import dev.otto.api.spi.Invocation;
import dev.otto.api.spi.InvocationFailure;
import dev.otto.api.spi.InvocationResult;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginName;

/**
 * Answers every model at once with an echo, except {@value #FAILING_MODEL}, which fails as a
 * provider's HTTP 500 would: runs that start there exercise classification and fallback.
 */
@Component
@PluginName(EchoInvoker.NAME)
public final class EchoInvoker implements ModelInvoker {

    /** The value of this plugin's {@code otto.plugin.name}. */
    public static final String NAME = "itest-echo";
    /** The model this invoker fails with HTTP 500. */
    public static final String FAILING_MODEL = "openai/gpt-5.3-codex";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(ModelRef model) {
        return true;
    }

    @Override
    public InvocationResult invoke(Invocation invocation) throws InvocationFailure {
        if (invocation.model().toString().equals(FAILING_MODEL)) {
            throw InvocationFailure.http(500, null);
        }
        return new InvocationResult("echo from " + invocation.model(), 10, 5, invocation.model());
    }
}
