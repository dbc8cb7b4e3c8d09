package dev.otto.api.routing;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** What the router is using right now: each plugin it is bound to, for {@code otto:plugins}. */
@ProviderType
public interface RoutingPlugins {

    /**
     * Returns the bound plugins.
     *
     * @return classifiers, fallback policies, invokers and telemetry sinks, each with its state
     */
    List<PluginInfo> plugins();

    /**
     * One bound plugin.
     *
     * @param kind {@code classifier}, {@code policy}, {@code invoker} or {@code sink}
     * @param name the plugin's {@code otto.plugin.name}, else its class name
     * @param bundle the symbolic name of the bundle that provides it
     * @param ranking its {@code service.ranking}
     * @param inUse whether the router consults it (for a policy: whether it is the one in force)
     * @param queued telemetry records waiting for a sink; 0 for other kinds
     * @param delivered records handed to a sink
     * @param failed records a sink threw on
     * @param dropped records dropped because the sink's queue was full or the sink went away
     */
    record PluginInfo(String kind, String name, String bundle, int ranking, boolean inUse, long queued, long delivered,
            long failed, long dropped) {
    }
}
