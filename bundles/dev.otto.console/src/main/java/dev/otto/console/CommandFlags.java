package dev.otto.console;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.jline.builtins.Completers.CompletionData;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The flags of every Gogo command, for tab completion: read from the {@link Parameter} and
 * {@link Descriptor} annotations of the command methods, so a flag a bundle adds completes without
 * anyone writing a completion script. Read when a console opens: commands of bundles deployed
 * since are there.
 */
final class CommandFlags {

    /** Service property of an alias command (dev.otto.shell's CommandAliases): the method it forwards to. */
    static final String ALIAS_METHOD = "otto.command.method";

    private final BundleContext context;

    CommandFlags(BundleContext context) {
        this.context = context;
    }

    /** Command name ({@code scope:function} and {@code function}) to its flags. */
    Map<String, List<CompletionData>> read() {
        Map<String, List<CompletionData>> flags = new HashMap<>();
        ServiceReference<?>[] references;
        try {
            references = context.getServiceReferences((String) null, "(&(osgi.command.scope=*)(osgi.command.function=*))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> reference : references == null ? new ServiceReference<?>[0] : references) {
            Object command = context.getService(reference);
            if (command == null) {
                continue;
            }
            try {
                String scope = String.valueOf(reference.getProperty("osgi.command.scope"));
                Object method = reference.getProperty(ALIAS_METHOD);
                for (String function : functions(reference.getProperty("osgi.command.function"))) {
                    List<CompletionData> data = method == null ? of(command.getClass(), function)
                            : flags.getOrDefault(scope + ":" + method, aliasFlags(scope, String.valueOf(method)));
                    if (!data.isEmpty()) {
                        flags.put(scope + ":" + function, data);
                        flags.putIfAbsent(function, data);
                    }
                }
            } finally {
                context.ungetService(reference);
            }
        }
        return flags;
    }

    /**
     * The one line for arguments {@code command} does not take ({@link CommandUsage}), read from the
     * command's service: {@code otto:status takes [--json]; see: help otto:status}. A command typed
     * without its scope is looked up in every scope, Otto's first.
     */
    String usage(String command) {
        int colon = command.indexOf(':');
        String function = command.substring(colon + 1);
        String filter = "(&(osgi.command.scope=" + (colon >= 0 ? escape(command.substring(0, colon)) : "*")
                + ")(osgi.command.function=" + escape(function) + "))";
        ServiceReference<?>[] references;
        try {
            references = context.getServiceReferences((String) null, filter);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            references = null;
        }
        if (references == null || references.length == 0) {
            return CommandUsage.line(command, null);
        }
        ServiceReference<?> chosen = references[0];
        for (ServiceReference<?> reference : references) {
            if ("otto".equals(reference.getProperty("osgi.command.scope"))) {
                chosen = reference;
            }
        }
        String scope = String.valueOf(chosen.getProperty("osgi.command.scope"));
        String name = scope + ":" + function;
        Object method = chosen.getProperty(ALIAS_METHOD);
        if (method != null) { // an alias (otto:job-add) of a method Java spells without the hyphen (jobadd)
            // what it takes under the name typed; help knows only the method's name
            String target = scope + ":" + method;
            String line = usage(target);
            return line.startsWith(target + " ") ? name + line.substring(target.length()) : line;
        }
        Object service = context.getService(chosen);
        if (service == null) {
            return CommandUsage.line(command, null);
        }
        try {
            return CommandUsage.line(name, CommandUsage.takes(name, service.getClass(), function));
        } finally {
            context.ungetService(chosen);
        }
    }

    /** The flags of {@code scope:method}, the command an alias forwards to. */
    private List<CompletionData> aliasFlags(String scope, String method) {
        try {
            ServiceReference<?>[] targets = context.getServiceReferences((String) null,
                    "(&(osgi.command.scope=" + escape(scope) + ")(osgi.command.function=" + escape(method) + "))");
            Object target = targets == null || targets.length == 0 ? null : context.getService(targets[0]);
            if (target == null) {
                return List.of();
            }
            try {
                return of(target.getClass(), method);
            } finally {
                context.ungetService(targets[0]);
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return List.of();
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }

    /** The flags of the public methods named {@code function} of {@code type}. */
    static List<CompletionData> of(Class<?> type, String function) {
        List<CompletionData> data = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (!method.getName().equals(function)) {
                continue;
            }
            for (Annotation[] annotations : method.getParameterAnnotations()) {
                Parameter parameter = find(annotations, Parameter.class);
                if (parameter == null) {
                    continue;
                }
                Descriptor descriptor = find(annotations, Descriptor.class);
                boolean takesValue = Parameter.UNSPECIFIED.equals(parameter.presentValue());
                data.add(new CompletionData(List.of(parameter.names()), descriptor == null ? null : descriptor.value(),
                        takesValue ? "value" : null, null));
            }
        }
        return data;
    }

    private static List<String> functions(Object property) {
        if (property instanceof String[]) {
            return Arrays.asList((String[]) property);
        }
        if (property instanceof Collection) {
            List<String> names = new ArrayList<>();
            ((Collection<?>) property).forEach(name -> names.add(String.valueOf(name)));
            return names;
        }
        return property == null ? List.of() : List.of(String.valueOf(property));
    }

    private static <A extends Annotation> A find(Annotation[] annotations, Class<A> type) {
        for (Annotation annotation : annotations) {
            if (type.isInstance(annotation)) {
                return type.cast(annotation);
            }
        }
        return null;
    }
}
