package dev.otto.shell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code otto:status} reports: the runtime, each Otto bundle and each Otto DS component,
 * with the reason for anything that is not working.
 */
record RuntimeStatus(String ottoVersion, String framework, String java, Duration uptime,
        String dataDir, String configFile, boolean configPresent, String logFile,
        List<BundleRow> bundles, List<ComponentRow> components, List<String> pendingDeploys) {

    RuntimeStatus {
        bundles = List.copyOf(bundles);
        components = List.copyOf(components);
        pendingDeploys = List.copyOf(pendingDeploys);
    }

    /** One Otto bundle; {@code problem} is null when it is as it should be. */
    record BundleRow(long id, String symbolicName, String version, String state, String problem) {
    }

    /** One DS component of an Otto bundle; {@code reason} explains any state but active. */
    record ComponentRow(String name, String bundle, String state, String reason, boolean ok) {
    }

    /** Every Otto bundle active, every enabled component satisfied or active, nothing left to deploy. */
    boolean ready() {
        return problems().isEmpty();
    }

    /** One line per thing that is not working, naming it and saying why. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (BundleRow bundle : bundles) {
            if (bundle.problem() != null) {
                problems.add("bundle " + bundle.symbolicName() + " is " + bundle.state() + ": " + bundle.problem());
            }
        }
        for (ComponentRow component : components) {
            if (!component.ok()) {
                problems.add("component " + component.name() + " (" + component.bundle() + ") is "
                        + component.state() + ": " + component.reason());
            }
        }
        for (String jar : pendingDeploys) {
            problems.add("deploy/" + jar + " is not installed yet");
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
        json.put("pending_deploys", pendingDeploys);
        json.put("problems", problems());
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
        List<String> problems = problems();
        out.append(System.lineSeparator());
        if (problems.isEmpty()) {
            out.append("Ready: ").append(bundles.size()).append(" Otto bundles active, ")
                    .append(components.size()).append(" components satisfied.");
        } else {
            out.append("NOT READY, ").append(problems.size()).append(problems.size() == 1 ? " problem:" : " problems:");
            for (String problem : problems) {
                out.append(System.lineSeparator()).append("  - ").append(problem);
            }
        }
        return out.append(System.lineSeparator()).toString();
    }
}
