package dev.otto.shell;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.apache.felix.gogo.runtime.Reflective;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Hyphenated command names ({@code otto:config-check}) for methods that Java must spell without
 * the hyphen ({@code configcheck}). Gogo finds a function by method name, so each alias is a
 * {@link Function} service that forwards to the method, arguments and flags unchanged.
 */
final class CommandAliases implements AutoCloseable {

    /** Service property of an alias: the method (a command function of the same scope) it forwards to. */
    static final String METHOD = "otto.command.method";

    private final List<ServiceRegistration<Function>> registrations = new ArrayList<>();

    /** Registers {@code otto:<alias>} for each alias, forwarding to {@code target.<method>}. */
    CommandAliases(BundleContext context, Object target, Map<String, String> aliasToMethod) {
        aliasToMethod.forEach((alias, method) -> {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("osgi.command.scope", "otto");
            properties.put("osgi.command.function", alias);
            properties.put(METHOD, method); // the console reads the method's flags (completion, usage) through it
            registrations.add(context.registerService(Function.class, new Forward(target, method), properties));
        });
    }

    @Override
    public void close() {
        for (ServiceRegistration<Function> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it already
            }
        }
        registrations.clear();
    }

    /** One alias: Gogo's own reflective call, so flags, types and errors behave as for the real name. */
    private static final class Forward implements Function {
        private final Object target;
        private final String method;

        Forward(Object target, String method) {
            this.target = target;
            this.method = method;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws Exception {
            return Reflective.invoke(session, target, method, arguments);
        }
    }
}
