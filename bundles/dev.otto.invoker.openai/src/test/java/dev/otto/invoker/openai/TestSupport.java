package dev.otto.invoker.openai;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.osgi.service.log.Logger;

/** A recording logger and configurations built from maps, as Declarative Services would build them. */
public final class TestSupport {

    private TestSupport() {
    }

    /**
     * Waits until {@code condition} holds, looking every few milliseconds, at most {@code limit}.
     *
     * @throws AssertionError naming {@code what} if it does not hold in time
     */
    public static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(2);
        }
    }

    /** The annotation's defaults, overridden by {@code values}. */
    public static OpenAiInvokerConfig config(Map<String, Object> values) {
        return (OpenAiInvokerConfig) Proxy.newProxyInstance(OpenAiInvokerConfig.class.getClassLoader(),
                new Class<?>[] { OpenAiInvokerConfig.class }, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return OpenAiInvokerConfig.class;
                    }
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A Logger recording "LEVEL message" with {} filled in. */
    public static Logger logger(List<String> lines) {
        List<String> sync = Collections.synchronizedList(lines);
        return (Logger) Proxy.newProxyInstance(TestSupport.class.getClassLoader(), new Class<?>[] { Logger.class },
                (proxy, method, args) -> {
                    String level = method.getName().toUpperCase();
                    if (args != null && args.length > 0 && args[0] instanceof String
                            && List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "AUDIT").contains(level)) {
                        String text = (String) args[0];
                        List<Object> values = new ArrayList<>();
                        for (int i = 1; i < args.length; i++) {
                            if (args[i] instanceof Object[]) {
                                values.addAll(List.of((Object[]) args[i]));
                            } else {
                                values.add(args[i]);
                            }
                        }
                        for (Object value : values) {
                            text = text.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(String.valueOf(value)));
                        }
                        sync.add(level + " " + text);
                    }
                    if (method.getName().startsWith("is")) {
                        return true;
                    }
                    if (method.getName().equals("getName")) {
                        return "test";
                    }
                    return null;
                });
    }
}
