package dev.otto.console;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Parameter;

/**
 * What a command takes, for the one line an operator sees when Gogo finds no method of it that
 * takes the arguments given ({@code Cannot coerce status(Token) to any of [(boolean)]}, {@code
 * argument type mismatch}): {@code otto:status takes [--json]; see: help otto:status}. Read from
 * the {@link Parameter} annotations of the command's methods, as the completion of flags is.
 */
final class CommandUsage {

    /** Gogo's words for "no method of this command takes these arguments", and the JDK's for a bad invoke. */
    private static final Pattern MISMATCH = Pattern.compile(
            "^(?:Cannot coerce .*|argument type mismatch|wrong number of arguments.*|No matching method.*)$", Pattern.DOTALL);
    /** {@code Cannot coerce status(Token) to ...}: the function Gogo tried. */
    private static final Pattern COERCED = Pattern.compile("^Cannot coerce ([^\\s(]+)\\(");
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";

    private CommandUsage() {
    }

    /** Whether {@code failure} is Gogo's (or reflection's) refusal of the arguments, not the command's own failure. */
    static boolean isArgumentMismatch(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null && MISMATCH.matcher(t.getMessage()).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The command the failure is about, as the operator typed it: the first word of a line of one
     * command, or the function Gogo names when the line holds several (a pipe, a script).
     */
    static String commandOf(String line, Throwable failure) {
        String first = line == null ? "" : line.strip().split("[\\s;|]", 2)[0];
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher coerced = t.getMessage() == null ? null : COERCED.matcher(t.getMessage());
            if (coerced != null && coerced.find()) {
                String function = coerced.group(1);
                // one command on the line: the name typed (an alias, otto:job-run, reaches Gogo as jobrun)
                boolean alone = !line.contains("|") && !line.contains(";");
                return alone || first.equals(function) || first.endsWith(":" + function) ? first : function;
            }
        }
        return first;
    }

    /**
     * {@code otto:status takes [--json]}: what the public methods named {@code function} of
     * {@code type} take, flags first as declared, then positional arguments; overloads joined by "or".
     *
     * @param name the command as shown ({@code scope:function})
     */
    static String takes(String name, Class<?> type, String function) {
        List<String> forms = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getName().equals(function)) {
                String form = form(method);
                if (!forms.contains(form)) {
                    forms.add(form);
                }
            }
        }
        forms.sort(null);
        if (forms.isEmpty() || (forms.size() == 1 && forms.get(0).isEmpty())) {
            return name + " takes no arguments";
        }
        return name + " takes " + String.join(" or ", forms.stream().map(f -> f.isEmpty() ? "nothing" : f).toList());
    }

    /** The one line: what the command takes and where its help is; {@code takes} null when the command is unknown. */
    static String line(String command, String takes) {
        return (takes == null ? "'" + command + "' does not take these arguments" : takes) + "; see: help " + command;
    }

    private static String form(Method method) {
        List<String> flags = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        Class<?>[] types = method.getParameterTypes();
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < types.length; i++) {
            if (types[i].getName().equals(SESSION)) {
                continue;
            }
            Parameter flag = find(annotations[i]);
            if (flag == null) {
                positional.add(value(types[i]) + (isMany(types[i]) ? "..." : ""));
            } else if (Parameter.UNSPECIFIED.equals(flag.presentValue())) {
                flags.add("[" + String.join("|", flag.names()) + " " + value(types[i]) + "]");
            } else {
                flags.add("[" + String.join("|", flag.names()) + "]");
            }
        }
        flags.addAll(positional);
        return String.join(" ", flags);
    }

    private static boolean isMany(Class<?> type) {
        return type.isArray() || Collection.class.isAssignableFrom(type);
    }

    private static String value(Class<?> type) {
        Class<?> t = type.isArray() ? type.getComponentType() : type;
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class || t == short.class
                || t == double.class || t == Double.class) {
            return "<number>";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "<true|false>";
        }
        if (t == String.class || Collection.class.isAssignableFrom(t) || t == Object.class || t == CharSequence.class) {
            return "<text>";
        }
        return "<" + t.getSimpleName().toLowerCase(java.util.Locale.ROOT) + ">";
    }

    private static Parameter find(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof Parameter) {
                return (Parameter) annotation;
            }
        }
        return null;
    }
}
