package dev.otto.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

import dev.otto.api.spi.FailureClassifier;
import dev.otto.api.spi.ModelInvoker;

/** Invokers are visible to the router and the framework only; other services to everyone. */
class InvokerVisibilityHookTest {

    private static final long ROUTER = 7;
    private final InvokerVisibilityHook hook = new InvokerVisibilityHook(ROUTER);

    @Test
    void onlyTheRouterAndTheFrameworkFindInvokers() {
        ServiceReference<?> invoker = reference(ModelInvoker.class.getName());
        ServiceReference<?> classifier = reference(FailureClassifier.class.getName());
        assertThat(found(context(12), invoker, classifier)).containsExactly(classifier);
        assertThat(found(context(ROUTER), invoker, classifier)).containsExactly(invoker, classifier);
        assertThat(found(context(0), invoker, classifier)).containsExactly(invoker, classifier);
    }

    @Test
    void onlyTheRouterAndTheFrameworkHearOfInvokers() {
        Map<BundleContext, Collection<ListenerInfo>> listeners = new HashMap<>();
        BundleContext other = context(12);
        BundleContext router = context(ROUTER);
        listeners.put(other, new ArrayList<>());
        listeners.put(router, new ArrayList<>());
        hook.event(new ServiceEvent(ServiceEvent.REGISTERED, reference(ModelInvoker.class.getName())), listeners);
        assertThat(listeners).containsOnlyKeys(router);

        listeners.put(other, new ArrayList<>());
        hook.event(new ServiceEvent(ServiceEvent.REGISTERED, reference(FailureClassifier.class.getName())), listeners);
        assertThat(listeners).containsOnlyKeys(router, other);
    }

    private List<ServiceReference<?>> found(BundleContext context, ServiceReference<?>... references) {
        List<ServiceReference<?>> list = new ArrayList<>(List.of(references));
        hook.find(context, null, null, false, list);
        return list;
    }

    private static BundleContext context(long bundleId) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> method.getName().equals("getBundleId") ? bundleId : null);
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] { BundleContext.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static ServiceReference<?> reference(String objectClass) {
        return (ServiceReference<?>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] { ServiceReference.class }, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> Constants.OBJECTCLASS.equals(args[0]) ? new String[] { objectClass } : null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> objectClass;
                    default -> null;
                });
    }
}
