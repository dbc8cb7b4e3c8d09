package dev.otto.console;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.gogo.jline.Builtin;
import org.apache.felix.gogo.jline.Converters;
import org.apache.felix.gogo.jline.Posix;
import org.apache.felix.gogo.jline.Procedural;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * gogo.jline's commands ({@code help}, {@code echo}, {@code grep}, {@code history}, {@code if},
 * {@code each}, {@code source}, ...) and converters, registered as gogo.jline's own activator
 * registers them.
 *
 * <p>Otto uses gogo.jline as a library and never starts that bundle: its activator would open a
 * second console on the process's terminal and take SIGINT from the whole JVM (so Ctrl-C would no
 * longer stop a one-shot {@code bin/otto run}). The command names are read from gogo.jline's own
 * lists, so they stay what that version of gogo.jline offers.
 */
final class GogoCommands {

    private GogoCommands() {
    }

    static List<ServiceRegistration<?>> register(BundleContext context, CommandProcessor processor) {
        List<ServiceRegistration<?>> registrations = new ArrayList<>();
        registrations.add(context.registerService(Converter.class.getName(),
                new Converters(context.getBundle(0).getBundleContext()), scope()));
        registrations.add(register(context, Builtin.class, new Builtin()));
        registrations.add(register(context, Procedural.class, new Procedural()));
        registrations.add(register(context, Posix.class, new Posix(processor)));
        Shell.Context shellContext = new Shell.Context() {
            @Override
            public String getProperty(String name) {
                return context.getProperty(name);
            }

            @Override
            public void exit() {
                // a nested 'gosh' ending leaves Otto running; 'stop 0' stops it
            }
        };
        registrations.add(register(context, Shell.class, new Shell(shellContext, processor)));
        return registrations;
    }

    private static ServiceRegistration<?> register(BundleContext context, Class<?> type, Object commands) {
        Dictionary<String, Object> properties = scope();
        properties.put("osgi.command.function", functions(type));
        return context.registerService(type.getName(), commands, properties);
    }

    private static Dictionary<String, Object> scope() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("osgi.command.scope", "gogo");
        return properties;
    }

    /** gogo.jline keeps each class's command names in a package-private {@code functions} array. */
    private static String[] functions(Class<?> type) {
        try {
            Field field = type.getDeclaredField("functions");
            field.setAccessible(true);
            return ((String[]) field.get(null)).clone();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("gogo.jline " + type.getSimpleName() + " lists no commands where Otto"
                    + " expects them (a gogo.jline other than 1.1.x?): " + e, e);
        }
    }
}
