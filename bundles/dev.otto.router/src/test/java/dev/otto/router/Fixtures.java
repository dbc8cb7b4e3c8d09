package dev.otto.router;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.service.log.Logger;

import dev.otto.api.catalog.CatalogFreshness;
import dev.otto.api.catalog.CatalogModel;
import dev.otto.api.catalog.CatalogProvider;
import dev.otto.api.catalog.CatalogSnapshot;
import dev.otto.api.catalog.ModelCatalog;
import dev.otto.api.catalog.ModelCost;
import dev.otto.api.model.ModelRef;

/** Plain fakes of the services the router uses: a fixed catalog and a recording logger. */
final class Fixtures {

    private Fixtures() {
    }

    static ModelRef ref(String ref) {
        return ModelRef.parse(ref);
    }

    /** A catalog with exactly these models and this global default (which need not be among them). */
    static CatalogSnapshot snapshot(String globalDefault, String... models) {
        Map<String, Map<String, CatalogModel>> byProvider = new TreeMap<>();
        for (String model : models) {
            ModelRef ref = ref(model);
            byProvider.computeIfAbsent(ref.providerId(), p -> new LinkedHashMap<>())
                    .put(ref.modelId(), new CatalogModel(ref, ref.modelId(), 128_000, 16_000, ModelCost.UNKNOWN, "active"));
        }
        Map<String, CatalogProvider> providers = new TreeMap<>();
        byProvider.forEach((id, map) -> providers.put(id, new CatalogProvider(id, id, map.keySet().iterator().next(), map)));
        return new CatalogSnapshot("s000000000001", Instant.parse("2026-11-21T00:00:00Z"), URI.create("http://127.0.0.1:4096"),
                "1.18.33", providers, globalDefault == null ? null : ref(globalDefault));
    }

    static ModelCatalog catalog(CatalogSnapshot snapshot) {
        return new ModelCatalog() {
            @Override
            public CatalogSnapshot snapshot() {
                return snapshot;
            }

            @Override
            public CatalogFreshness freshness() {
                return CatalogFreshness.of(snapshot, Duration.ofHours(24));
            }

            @Override
            public CatalogSnapshot refresh() {
                return snapshot;
            }
        };
    }

    /** A Logger recording "LEVEL message" with {} filled in. */
    static Logger logger(List<String> lines) {
        List<String> sync = Collections.synchronizedList(lines);
        return (Logger) Proxy.newProxyInstance(Fixtures.class.getClassLoader(), new Class<?>[] { Logger.class },
                (proxy, method, args) -> {
                    String level = method.getName().toUpperCase();
                    if (args != null && args.length > 0 && args[0] instanceof String && List.of("TRACE", "DEBUG", "INFO",
                            "WARN", "ERROR", "AUDIT").contains(level)) {
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
