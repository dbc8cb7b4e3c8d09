package dev.otto.invoker.openai;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import dev.otto.api.model.ModelRef;

/**
 * One validated version of the configuration. Immutable: {@link OpenAiInvoker} swaps it whole, so a
 * call in flight keeps the settings (and HTTP client) it started with.
 *
 * @param endpoint {@code {baseUrl}/chat/completions}
 * @param providers the provider ids served
 * @param apiKeyEnv the environment variable holding the key, or empty for none
 * @param connectTimeout limit for opening a connection
 * @param totalTimeout limit for a whole call besides the attempt's deadline, or null for none
 * @param maxResponseBytes largest answer accepted
 */
record Settings(URI endpoint, Set<String> providers, String apiKeyEnv, Duration connectTimeout, Duration totalTimeout,
        long maxResponseBytes) {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,\\s]+");

    Settings {
        providers = Set.copyOf(providers);
    }

    /**
     * Validates a configuration. Messages name the property and the expected form, never the value
     * of {@code baseUrl} (it may carry credentials).
     *
     * @throws IllegalArgumentException if a property is malformed
     */
    static Settings of(OpenAiInvokerConfig config) {
        return new Settings(endpoint(config.baseUrl()), providers(config.providers()), apiKeyEnv(config.apiKeyEnv()),
                duration("connectTimeout", config.connectTimeout()), optionalDuration("totalTimeout", config.totalTimeout()),
                maxResponseBytes(config.maxResponseBytes()));
    }

    static URI endpoint(String baseUrl) {
        String problem = "baseUrl must be an absolute http or https URL without query or fragment, e.g. https://api.openai.com/v1";
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException(problem);
        }
        try {
            URI base = new URI(baseUrl.strip());
            if (!base.isAbsolute() || base.getHost() == null || base.getRawQuery() != null || base.getRawFragment() != null
                    || !("http".equalsIgnoreCase(base.getScheme()) || "https".equalsIgnoreCase(base.getScheme()))) {
                throw new IllegalArgumentException(problem);
            }
            String root = base.toString();
            return URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/chat/completions");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Accepts a list, or one string with commas (a FileInstall {@code .cfg} gives {@code providers=openai,local} so). */
    static Set<String> providers(String[] values) {
        Set<String> ids = new LinkedHashSet<>();
        for (String value : values == null ? new String[0] : values) {
            for (String id : LIST_SEPARATOR.split(value == null ? "" : value.strip())) {
                if (id.isEmpty()) {
                    continue;
                }
                try {
                    ModelRef.of(id, "model"); // the provider id rules of a model reference
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("providers: \"" + id + "\" is not a provider id: expected e.g. openai");
                }
                ids.add(id);
            }
        }
        return ids;
    }

    static String apiKeyEnv(String name) {
        String env = name == null ? "" : name.strip();
        if (!env.isEmpty() && !ENV_NAME.matcher(env).matches()) {
            throw new IllegalArgumentException(
                    "apiKeyEnv must be the NAME of an environment variable, e.g. OPENAI_API_KEY (never the key itself), or empty");
        }
        return env;
    }

    static Duration duration(String property, String value) {
        try {
            Duration duration = Duration.parse(value == null ? "" : value.strip());
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(property + " is " + value + ": expected a positive ISO-8601 duration, e.g. PT30S");
            }
            return duration;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(property + " is " + value + ": expected an ISO-8601 duration, e.g. PT30S");
        }
    }

    /** Empty means none. */
    static Duration optionalDuration(String property, String value) {
        return value == null || value.isBlank() ? null : duration(property, value);
    }

    static long maxResponseBytes(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxResponseBytes is " + value + ": expected at least 1");
        }
        return value;
    }

    /** The endpoint without user info, for logs. */
    String endpointForLogs() {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                + endpoint.getRawPath();
    }
}
