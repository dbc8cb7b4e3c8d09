package dev.otto.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;

import dev.otto.api.routing.RoutingPlugins.PluginInfo;
import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.FallbackPolicy;
import dev.otto.api.spi.ModelInvoker;
import dev.otto.api.spi.PluginProperties;

/**
 * The plugins the router is bound to, in the order they are consulted: highest
 * {@code service.ranking} first, then lowest {@code service.id}. Each bind or unbind replaces an
 * immutable {@link Bound} whole, so a run reads one consistent set by taking {@link #current()}
 * once, and a plugin that goes away during a run is still the one that run uses.
 */
final class Plugins {

    /** One plugin with its service properties. */
    record Entry<S>(S plugin, Map<String, Object> properties) {

        String name() {
            Object name = properties.get(PluginProperties.NAME);
            return name != null ? name.toString() : plugin.getClass().getName();
        }

        int ranking() {
            Object ranking = properties.get(Constants.SERVICE_RANKING);
            return ranking instanceof Integer ? (Integer) ranking : 0;
        }

        long serviceId() {
            Object id = properties.get(Constants.SERVICE_ID);
            return id instanceof Long ? (Long) id : Long.MAX_VALUE;
        }
    }

    /**
     * The plugins at one moment.
     *
     * @param classifiers in the order they are asked
     * @param invokers in the order they are asked
     * @param policy the policy in force, or null
     */
    record Bound(List<Entry<FailureClassifier>> classifiers, List<Entry<ModelInvoker>> invokers,
            Entry<FallbackPolicy> policy) {

        FallbackPolicy fallbackPolicy() {
            return policy == null ? null : policy.plugin();
        }
    }

    private volatile Bound bound = new Bound(List.of(), List.of(), null);

    Bound current() {
        return bound;
    }

    synchronized void addClassifier(FailureClassifier classifier, Map<String, Object> properties) {
        Bound b = bound;
        bound = new Bound(with(without(b.classifiers(), classifier), new Entry<>(classifier, properties)), b.invokers(),
                b.policy());
    }

    synchronized void removeClassifier(FailureClassifier classifier) {
        Bound b = bound;
        bound = new Bound(without(b.classifiers(), classifier), b.invokers(), b.policy());
    }

    synchronized void addInvoker(ModelInvoker invoker, Map<String, Object> properties) {
        Bound b = bound;
        bound = new Bound(b.classifiers(), with(without(b.invokers(), invoker), new Entry<>(invoker, properties)),
                b.policy());
    }

    synchronized void removeInvoker(ModelInvoker invoker) {
        Bound b = bound;
        bound = new Bound(b.classifiers(), without(b.invokers(), invoker), b.policy());
    }

    /** DS binds a greedy optional reference's better service before it unbinds the one it replaces. */
    synchronized void setPolicy(FallbackPolicy policy, Map<String, Object> properties) {
        Bound b = bound;
        bound = new Bound(b.classifiers(), b.invokers(), new Entry<>(policy, properties));
    }

    synchronized void unsetPolicy(FallbackPolicy policy) {
        Bound b = bound;
        if (b.policy() != null && b.policy().plugin() == policy) {
            bound = new Bound(b.classifiers(), b.invokers(), null);
        }
    }

    /** The bound classifiers, policy and invokers for {@code otto:plugins}, in the order they are consulted. */
    List<PluginInfo> describe() {
        Bound b = bound;
        List<PluginInfo> out = new ArrayList<>();
        b.classifiers().forEach(e -> out.add(info("classifier", e)));
        if (b.policy() != null) {
            out.add(info("policy", b.policy()));
        }
        b.invokers().forEach(e -> out.add(info("invoker", e)));
        return out;
    }

    static PluginInfo info(String kind, Entry<?> entry) {
        return new PluginInfo(kind, entry.name(), bundleOf(entry.plugin()), entry.ranking(), true, 0, 0, 0, 0);
    }

    static String bundleOf(Object plugin) {
        return Optional.ofNullable(FrameworkUtil.getBundle(plugin.getClass())).map(b -> b.getSymbolicName()).orElse("?");
    }

    private static <S> List<Entry<S>> without(List<Entry<S>> entries, S plugin) {
        List<Entry<S>> out = new ArrayList<>(entries);
        out.removeIf(e -> e.plugin() == plugin);
        return List.copyOf(out);
    }

    private static <S> List<Entry<S>> with(List<Entry<S>> entries, Entry<S> entry) {
        List<Entry<S>> out = new ArrayList<>(entries);
        out.add(entry);
        out.sort(Comparator.<Entry<S>>comparingInt(e -> -e.ranking()).thenComparingLong(Entry::serviceId));
        return List.copyOf(out);
    }
}
