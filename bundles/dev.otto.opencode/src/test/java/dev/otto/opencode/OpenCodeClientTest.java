package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.otto.api.config.CatalogConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;

/**
 * The component as SCR drives it, with its configuration as the config bundle publishes it:
 * activation connects to {@code opencodeUrl}, {@code @Modified} moves to a new one, deactivation
 * stops the stream's thread.
 */
class OpenCodeClientTest {

    /** The typed configuration SCR would build from the PID's properties (the rest at their defaults). */
    static CatalogConfig config(Map<String, Object> values) {
        return (CatalogConfig) Proxy.newProxyInstance(CatalogConfig.class.getClassLoader(), new Class<?>[] {CatalogConfig.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class || method.getName().equals("annotationType")) {
                        return method.getName().equals("annotationType") ? CatalogConfig.class : method.invoke(values, args);
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }

    static BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return properties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static Logger logger(RecordingLog log) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (isLogCall(method, args)) {
                        String line = String.valueOf(args[0]);
                        for (int i = 1; i < args.length; i++) {
                            line = line.replaceFirst("\\{\\}", java.util.regex.Matcher.quoteReplacement(String.valueOf(args[i])));
                        }
                        if (method.getName().equals("warn")) {
                            log.warn(line);
                        } else {
                            log.info(line);
                        }
                        return null;
                    }
                    return method.getName().equals("toString") ? "test logger" : null;
                });
    }

    private static boolean isLogCall(Method method, Object[] args) {
        return (method.getName().equals("info") || method.getName().equals("warn")) && args != null && args[0] instanceof String;
    }

    @Test
    void activationConnectsToTheConfiguredUrlAndAnEditMovesIt() throws Exception {
        try (LoopbackServer first = new LoopbackServer(); LoopbackServer second = new LoopbackServer()) {
            first.route("/global/health", LoopbackServer.ok("{\"healthy\":true,\"version\":\"first\"}"));
            second.route("/global/health", LoopbackServer.ok("{\"healthy\":true,\"version\":\"second\"}"));
            RecordingLog log = new RecordingLog();
            OpenCodeClient client = new OpenCodeClient(context(Map.of()),
                    config(Map.of("opencodeUrl", first.url().toString(), "connectTimeout", "PT2S")), logger(log));
            try {
                first.nextStream(); // connected at activation, before anyone asked
                Await.until("the stream is connected", () -> client.status().eventsConnected());
                assertThat(body(client)).contains("first");

                client.modified(config(Map.of("opencodeUrl", second.url().toString(), "connectTimeout", "PT2S")));

                second.nextStream();
                assertThat(client.status().url()).isEqualTo(second.url());
                assertThat(body(client)).contains("second");
                assertThat(client.status().managed()).isFalse();
            } finally {
                client.deactivate();
            }
            assertThat(EventStreamTest.threadsNamed(EventStream.THREAD_NAME)).isZero();
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).contains("OpenCode URL changed from " + first.url()));
        }
    }

    private static String body(OpenCodeClient client) throws Exception {
        return new String(client.get("/global/health", Instant.now().plusSeconds(5), 1024).body(), UTF_8);
    }
}
