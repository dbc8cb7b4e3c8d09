package dev.otto.router;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.otto.api.spi.ModelInvoker;

/**
 * Makes bypassing the router impossible by construction: every {@link ModelInvoker} service is
 * hidden from every bundle but this one (the router) and the framework's own, so no other code can
 * look one up, be told of one, or have Declarative Services inject one. Registering an invoker is
 * unaffected: plugins still reach the router. (The text guard in {@code itest/} keeps model
 * endpoints out of non-invoker code as a second line.)
 */
@Component(service = { FindHook.class, EventListenerHook.class }, immediate = true)
public final class InvokerVisibilityHook implements FindHook, EventListenerHook {

    private static final String INVOKER = ModelInvoker.class.getName();

    private final long routerBundle;

    @Activate
    public InvokerVisibilityHook(BundleContext context) {
        this(context.getBundle().getBundleId());
    }

    InvokerVisibilityHook(long routerBundle) {
        this.routerBundle = routerBundle;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        if (!allowed(context)) {
            try {
                references.removeIf(InvokerVisibilityHook::isInvoker);
            } catch (UnsupportedOperationException immutable) {
                // the framework hands hooks a shrinkable collection; nothing else to do if it is not
            }
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (isInvoker(event.getServiceReference())) {
            listeners.keySet().removeIf(context -> !allowed(context));
        }
    }

    private boolean allowed(BundleContext context) {
        Bundle bundle = context == null ? null : context.getBundle();
        if (bundle == null) {
            return false;
        }
        long id = bundle.getBundleId();
        return id == routerBundle || id == Constants.SYSTEM_BUNDLE_ID;
    }

    static boolean isInvoker(ServiceReference<?> reference) {
        Object classes = reference.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] names && Arrays.asList(names).contains(INVOKER);
    }
}
