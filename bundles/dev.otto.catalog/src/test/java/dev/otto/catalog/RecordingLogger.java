package dev.otto.catalog;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.log.Logger;

/** An OSGi {@link Logger} that records each line as level + formatted message, as a log would show it. */
final class RecordingLogger {

    record Line(String level, String message) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    final Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                String name = method.getName();
                switch (name) {
                    case "getName":
                        return "test";
                    case "trace", "debug", "info", "warn", "error", "audit":
                        if (args != null && args.length > 0 && args[0] instanceof String format) {
                            lines.add(new Line(name.toUpperCase(), format(format, arguments(args))));
                            return null;
                        }
                        throw new UnsupportedOperationException("Logger." + name + " with a LoggerConsumer");
                    case "toString":
                        return "RecordingLogger";
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        if (name.startsWith("is") && name.endsWith("Enabled")) {
                            return true;
                        }
                        throw new UnsupportedOperationException("Logger." + name);
                }
            });

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<Line> at(String level) {
        return lines.stream().filter(line -> line.level().equals(level)).toList();
    }

    void clear() {
        lines.clear();
    }

    private static List<Object> arguments(Object[] args) {
        List<Object> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            // the varargs overload arrives as one Object[]
            if (args.length == 2 && args[1] instanceof Object[] array) {
                rest.addAll(Arrays.asList(array));
            } else {
                rest.add(args[i]);
            }
        }
        return rest;
    }

    /** The OSGi Logger format: each {} takes the next argument; a Throwable left over is the exception. */
    private static String format(String format, List<Object> args) {
        StringBuilder text = new StringBuilder();
        int next = 0;
        int from = 0;
        for (int at = format.indexOf("{}"); at >= 0; at = format.indexOf("{}", from)) {
            text.append(format, from, at).append(next < args.size() ? String.valueOf(args.get(next++)) : "{}");
            from = at + 2;
        }
        text.append(format.substring(from));
        if (next < args.size() && args.get(args.size() - 1) instanceof Throwable thrown) {
            text.append(" ").append(thrown);
        }
        return text.toString();
    }
}
