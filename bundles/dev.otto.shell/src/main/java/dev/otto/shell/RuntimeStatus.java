package dev.otto.shell;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.routing.Cooldown;
import dev.otto.support.text.TerminalSafe;

/**
 * What {@code otto:status} reports: the runtime, each Otto bundle and each Otto DS component,
 * with the reason for anything that is not working; the models cooling down and the OpenCode
 * connection, read at {@code now} from those services when they are bound. Neither is a problem
 * that makes the runtime not ready: both are what an operator looks at during a failover.
 */
record RuntimeStatus(String ottoVersion, String framework, String java, Duration uptime,
        String dataDir, String configFile, boolean configPresent, String logFile,
        List<BundleRow> bundles, List<ComponentRow> components, List<DeployFolder.Entry> deploys,
        List<HealthRow> health, Instant now, Reading<List<Cooldown>> cooldowns, Reading<OpenCodeStatus> openCode) {

    /** {@code scheme://user:password@}: credentials in a URL, cut from anything shown. */
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s]+@");
    /** An Authorization header's value that slipped into a text. */
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

    RuntimeStatus {
        bundles = List.copyOf(bundles);
        components = List.copyOf(components);
        deploys = List.copyOf(deploys);
        health = List.copyOf(health);
    }

    /**
     * A value read from an optional service, or why there is none.
     *
     * @param value the value, or null
     * @param missing when {@code value} is null: why, as a sentence for operators
     */
    record Reading<T>(T value, String missing) {

        static <T> Reading<T> of(T value) {
            return new Reading<>(value, null);
        }

        static <T> Reading<T> missing(String why) {
            return new Reading<>(null, why);
        }

        boolean present() {
            return value != null;
        }
    }

    /** One Otto bundle; {@code problem} is null when it is as it should be. */
    record BundleRow(long id, String symbolicName, String version, String state, String problem) {
    }

    /** One DS component of an Otto bundle; {@code reason} explains any state but active. */
    record ComponentRow(String name, String bundle, String state, String reason, boolean ok) {
    }

    /** What one {@link dev.otto.api.runtime.HealthCheck} reported; {@code problem} is null when all is well. */
    record HealthRow(String name, String problem) {
    }

    /** Every Otto bundle active, every enabled component satisfied or active, nothing left to deploy. */
    boolean ready() {
        return problems().isEmpty();
    }

    /** What SCR records for a component whose needed service's own activation failed. */
    static final String FAILED_FOR_ANOTHER = "Unable to get service for reference";

    /**
     * One line per thing that is not working, naming it and saying why. A component that failed
     * only because a service it needs failed (SCR: "Unable to get service for reference") is not a
     * cause of its own: such components are named together in one line after the causes.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (BundleRow bundle : bundles) {
            if (bundle.problem() != null) {
                problems.add("bundle " + bundle.symbolicName() + " is " + bundle.state() + ": " + bundle.problem());
            }
        }
        List<String> followers = new ArrayList<>();
        for (ComponentRow component : components) {
            if (!component.ok()) {
                if (component.reason() != null && component.reason().contains(FAILED_FOR_ANOTHER)) {
                    followers.add(component.name());
                } else {
                    problems.add("component " + component.name() + " (" + component.bundle() + ") is "
                            + component.state() + ": " + component.reason());
                }
            }
        }
        if (!followers.isEmpty()) {
            problems.add(problems.isEmpty()
                    ? "components " + String.join(", ", followers) + " failed: a service they need could not be obtained"
                    : "and so " + String.join(", ", followers) + " (they need it)");
        }
        for (DeployFolder.Entry deploy : deploys) {
            if (deploy.problem()) {
                problems.add(deploy.line());
            }
        }
        for (HealthRow check : health) {
            if (check.problem() != null) {
                problems.add(check.name() + ": " + check.problem());
            }
        }
        return problems;
    }

    /** The machine form, with stable snake_case keys. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("otto_version", ottoVersion);
        json.put("framework", framework);
        json.put("java", java);
        json.put("uptime_ms", uptime.toMillis());
        json.put("data_dir", dataDir);
        json.put("config_file", configFile);
        json.put("config_present", configPresent);
        json.put("log_file", logFile);
        json.put("ready", ready());
        List<Map<String, Object>> bundleList = new ArrayList<>();
        for (BundleRow b : bundles) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", b.id());
            row.put("symbolic_name", b.symbolicName());
            row.put("version", b.version());
            row.put("state", b.state());
            row.put("problem", b.problem());
            bundleList.add(row);
        }
        json.put("bundles", bundleList);
        List<Map<String, Object>> componentList = new ArrayList<>();
        for (ComponentRow c : components) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", c.name());
            row.put("bundle", c.bundle());
            row.put("state", c.state());
            row.put("reason", c.reason());
            row.put("ok", c.ok());
            componentList.add(row);
        }
        json.put("components", componentList);
        json.put("pending_deploys", deploys.stream().filter(d -> d.problem() && d.state().equals(DeployFolder.NOT_INSTALLED))
                .map(DeployFolder.Entry::file).toList());
        List<Map<String, Object>> deployList = new ArrayList<>();
        for (DeployFolder.Entry d : deploys) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", d.file());
            row.put("state", d.state());
            row.put("problem", d.problem());
            deployList.add(row);
        }
        json.put("deploy", deployList);
        List<Map<String, Object>> healthList = new ArrayList<>();
        for (HealthRow h : health) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", h.name());
            row.put("ok", h.problem() == null);
            row.put("problem", h.problem());
            healthList.add(row);
        }
        json.put("health", healthList);
        json.put("cooldowns", cooldownsJson());
        json.put("opencode", openCodeJson());
        json.put("problems", problems());
        return json;
    }

    private Map<String, Object> cooldownsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("available", cooldowns.present());
        json.put("reason", cooldowns.missing());
        List<Map<String, Object>> models = new ArrayList<>();
        for (Cooldown c : cooldowns.present() ? cooldowns.value() : List.<Cooldown>of()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", c.model().toString());
            row.put("until", c.until().toString());
            row.put("error_class", c.errorClass().name());
            row.put("since", c.since().toString());
            row.put("remaining_ms", Math.max(0, Duration.between(now, c.until()).toMillis()));
            models.add(row);
        }
        json.put("models", models);
        return json;
    }

    private Map<String, Object> openCodeJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("available", openCode.present());
        json.put("reason", openCode.missing());
        if (openCode.present()) {
            OpenCodeStatus o = openCode.value();
            json.put("url", shownUrl(o.url()));
            json.put("managed", o.managed());
            json.put("pid", o.managed() && o.pid() > 0 ? o.pid() : null);
            json.put("events_connected", o.eventsConnected());
            json.put("events_since", o.eventsSince() == null ? null : o.eventsSince().toString());
            json.put("reconnects", o.reconnects());
            json.put("last_error", o.lastError() == null ? null : shownText(o.lastError()));
            json.put("subscriptions", o.subscriptions());
        }
        return json;
    }

    /** The operator form: a header block, then aligned bundle and component tables. */
    String toText() {
        StringBuilder out = new StringBuilder();
        out.append("Otto ").append(ottoVersion).append(" on ").append(framework)
                .append(", Java ").append(java).append(", up ").append(Durations.format(uptime))
                .append(System.lineSeparator());
        TextTable paths = new TextTable("PATH", "WHERE");
        paths.row("data", dataDir);
        paths.row("config", configFile + (configPresent ? "" : "  (not present: built-in defaults)"));
        paths.row("log", logFile);
        out.append(System.lineSeparator()).append(paths);
        TextTable bundleTable = new TextTable("ID", "BUNDLE", "VERSION", "STATE");
        for (BundleRow b : bundles) {
            bundleTable.row(b.id(), b.symbolicName(), b.version(), b.problem() == null ? b.state() : b.state() + " (" + b.problem() + ")");
        }
        out.append(System.lineSeparator()).append(bundleTable);
        TextTable componentTable = new TextTable("COMPONENT", "BUNDLE", "STATE");
        for (ComponentRow c : components) {
            componentTable.row(c.name(), c.bundle(), c.reason() == null ? c.state() : c.state() + ": " + c.reason());
        }
        out.append(System.lineSeparator()).append(componentTable);
        if (!health.isEmpty()) {
            TextTable healthTable = new TextTable("CHECK", "STATE");
            for (HealthRow h : health) {
                healthTable.row(h.name(), h.problem() == null ? "ok" : h.problem());
            }
            out.append(System.lineSeparator()).append(healthTable);
        }
        if (!deploys.isEmpty()) {
            TextTable deployTable = new TextTable("DEPLOY", "STATE");
            for (DeployFolder.Entry d : deploys) {
                deployTable.row("deploy/" + d.file(), d.state());
            }
            out.append(System.lineSeparator()).append(deployTable);
        }
        out.append(System.lineSeparator()).append(cooldownsText());
        out.append(System.lineSeparator()).append(openCodeText());
        List<String> problems = problems();
        out.append(System.lineSeparator());
        if (problems.isEmpty()) {
            out.append("Ready: ").append(bundles.size()).append(" Otto bundles active, ")
                    .append(components.size()).append(" components satisfied.");
        } else {
            out.append("NOT READY, ").append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
            for (String problem : problems) {
                out.append(System.lineSeparator()).append("  - ").append(TerminalSafe.line(problem));
            }
        }
        return out.append(System.lineSeparator()).toString();
    }

    private String cooldownsText() {
        if (!cooldowns.present()) {
            return "Cooling down: unknown, " + cooldowns.missing() + "." + System.lineSeparator();
        }
        if (cooldowns.value().isEmpty()) {
            return "Cooling down: no model." + System.lineSeparator();
        }
        TextTable table = new TextTable("COOLING DOWN", "UNTIL", "ERROR CLASS", "LEFT");
        for (Cooldown c : cooldowns.value()) {
            table.row(c.model(), c.until(), c.errorClass(), Durations.remaining(c.until(), now));
        }
        return table.toString();
    }

    private String openCodeText() {
        if (!openCode.present()) {
            return "OpenCode connection: unknown, " + openCode.missing() + "." + System.lineSeparator();
        }
        OpenCodeStatus o = openCode.value();
        TextTable table = new TextTable("OPENCODE", "STATE");
        table.row("url", shownUrl(o.url()));
        table.row("process", o.managed()
                ? "managed by Otto" + (o.pid() > 0 ? ", pid " + o.pid() : "")
                : "not managed by Otto (started outside it)");
        String since = o.eventsSince() == null ? ""
                : " since " + o.eventsSince() + " (" + Durations.ago(Duration.between(o.eventsSince(), now)) + ")";
        table.row("event stream", o.eventsConnected() ? "connected" + since
                : o.eventsSince() == null ? "not connected yet" : "down" + since);
        table.row("reconnects", o.reconnects());
        table.row("subscriptions", o.subscriptions() + (o.subscriptions() == 1 ? " session" : " sessions"));
        table.row("last error", o.lastError() == null ? null : shownText(o.lastError()));
        return table.toString();
    }

    /** The server's URL as shown: scheme, host, port and path; never credentials, query or fragment. */
    static String shownUrl(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException unusual) {
            return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        }
    }

    /** A text from a service as shown: any URL credentials or Authorization value cut out. */
    static String shownText(String text) {
        String cut = URL_CREDENTIALS.matcher(text).replaceAll("$1");
        return AUTHORIZATION.matcher(cut).replaceAll("$1 (redacted)");
    }
}
