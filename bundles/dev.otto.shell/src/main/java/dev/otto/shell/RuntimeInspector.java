package dev.otto.shell;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.runtime.HealthCheck;
import dev.otto.api.runtime.OttoPaths;

/** Reads the live state of the framework and of Declarative Services into a {@link RuntimeStatus}. */
final class RuntimeInspector {

    /** Bundles whose symbolic name starts with this are Otto's. */
    static final String OTTO_PREFIX = "dev.otto.";
    /** FileInstall's watched folder, a framework property. */
    static final String DEPLOY_DIR = "felix.fileinstall.dir";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final OttoPaths paths;
    private final Clock clock;

    RuntimeInspector(BundleContext context, ServiceComponentRuntime scr, OttoPaths paths, Clock clock) {
        this.context = context;
        this.scr = scr;
        this.paths = paths;
        this.clock = clock;
    }

    /**
     * Reads the runtime, and the cooldowns and OpenCode connection from those services.
     *
     * @param router the router, or null when none is bound
     * @param openCode the OpenCode connection, or null when none is bound
     * @param checks the health checks registered now
     */
    RuntimeStatus inspect(ModelRouter router, OpenCodeConnection openCode, Collection<HealthCheck> checks) {
        Instant now = clock.instant();
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        List<Bundle> otto = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(OTTO_PREFIX))
                .sorted(Comparator.comparingLong(Bundle::getBundleId))
                .collect(Collectors.toList());
        List<RuntimeStatus.BundleRow> bundles = new ArrayList<>();
        List<RuntimeStatus.ComponentRow> components = new ArrayList<>();
        for (Bundle bundle : otto) {
            bundles.add(bundleRow(bundle));
            components.addAll(componentRows(bundle));
        }
        return new RuntimeStatus(
                context.getBundle().getVersion().toString(),
                frameworkName(framework),
                System.getProperty("java.version"),
                Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()),
                paths.dataDir().toString(),
                paths.configFile().toString(),
                Files.isRegularFile(paths.configFile()),
                paths.logFile().toString(),
                bundles, components, deploys(), health(checks), now, cooldowns(router, now), openCode(openCode));
    }

    /** Each check's answer, by name; a check that throws is a problem of its own, not a broken status. */
    static List<RuntimeStatus.HealthRow> health(Collection<HealthCheck> checks) {
        List<RuntimeStatus.HealthRow> rows = new ArrayList<>();
        for (HealthCheck check : checks) {
            String name;
            String problem;
            try {
                name = check.name();
                problem = check.problem();
            } catch (RuntimeException broken) {
                name = check.getClass().getSimpleName();
                problem = "the check itself failed (see the log)";
            }
            rows.add(new RuntimeStatus.HealthRow(name, problem));
        }
        rows.sort(Comparator.comparing(RuntimeStatus.HealthRow::name));
        return rows;
    }

    /** The cooldowns still in force at {@code now}, soonest end first. */
    static RuntimeStatus.Reading<List<Cooldown>> cooldowns(ModelRouter router, Instant now) {
        if (router == null) {
            return RuntimeStatus.Reading.missing("the router (bundle dev.otto.router) is not running");
        }
        try {
            return RuntimeStatus.Reading.of(router.cooldowns().stream().filter(c -> c.activeAt(now))
                    .sorted(Comparator.comparing(Cooldown::until).thenComparing(c -> c.model().toString()))
                    .collect(Collectors.toList()));
        } catch (RuntimeException cannotSay) {
            return RuntimeStatus.Reading.missing("the router could not list them (see the log)");
        }
    }

    static RuntimeStatus.Reading<OpenCodeStatus> openCode(OpenCodeConnection connection) {
        if (connection == null) {
            return RuntimeStatus.Reading.missing("no OpenCode connection is running (bundle dev.otto.opencode)");
        }
        try {
            return RuntimeStatus.Reading.of(connection.status());
        } catch (RuntimeException cannotSay) {
            return RuntimeStatus.Reading.missing("the OpenCode connection could not say (see the log)");
        }
    }

    private static String frameworkName(Bundle framework) {
        String name = "org.apache.felix.framework".equals(framework.getSymbolicName()) ? "Apache Felix" : framework.getSymbolicName();
        return name + " " + framework.getVersion();
    }

    private static RuntimeStatus.BundleRow bundleRow(Bundle bundle) {
        boolean fragment = (bundle.adapt(BundleRevision.class) != null)
                && (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
        String state = stateName(bundle.getState());
        String problem = null;
        if (fragment) {
            state = bundle.getState() == Bundle.RESOLVED ? "fragment" : state;
            problem = bundle.getState() == Bundle.RESOLVED ? null : "fragment not attached (see the log)";
        } else if (bundle.getState() == Bundle.INSTALLED) {
            problem = "its imports cannot be resolved (see the log, or 'diag' in the shell)";
        } else if (bundle.getState() != Bundle.ACTIVE) {
            problem = "not started (use 'start " + bundle.getBundleId() + "')";
        }
        return new RuntimeStatus.BundleRow(bundle.getBundleId(), bundle.getSymbolicName(),
                bundle.getVersion().toString(), state, problem);
    }

    private List<RuntimeStatus.ComponentRow> componentRows(Bundle bundle) {
        List<RuntimeStatus.ComponentRow> rows = new ArrayList<>();
        String symbolicName = bundle.getSymbolicName();
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs(bundle);
        if (descriptions.isEmpty() && bundle.getState() == Bundle.ACTIVE
                && bundle.getHeaders("").get("Service-Component") != null) {
            rows.add(new RuntimeStatus.ComponentRow("(components of " + symbolicName + ")", symbolicName,
                    "loading", "Declarative Services has not loaded them yet", false));
        }
        for (ComponentDescriptionDTO description : descriptions) {
            if (!scr.isComponentEnabled(description)) {
                rows.add(new RuntimeStatus.ComponentRow(description.name, symbolicName, "disabled", null, true));
                continue;
            }
            Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                String reason = "require".equals(description.configurationPolicy)
                        ? "waiting for configuration " + String.join(", ", description.configurationPid)
                        : "no configuration was created (is the bundle active?)";
                rows.add(new RuntimeStatus.ComponentRow(description.name, symbolicName, "unsatisfied", reason, false));
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                rows.add(componentRow(description, configuration, symbolicName));
            }
        }
        return rows;
    }

    private static RuntimeStatus.ComponentRow componentRow(ComponentDescriptionDTO description,
            ComponentConfigurationDTO configuration, String bundle) {
        switch (configuration.state) {
        case ComponentConfigurationDTO.ACTIVE:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "active", null, true);
        case ComponentConfigurationDTO.SATISFIED:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "satisfied", null, true);
        case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "unsatisfied",
                    "waiting for configuration " + String.join(", ", description.configurationPid), false);
        case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "unsatisfied",
                    missingReferences(description, configuration), false);
        case ComponentConfigurationDTO.FAILED_ACTIVATION:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "failed",
                    "activation failed: " + rootCause(configuration.failure), false);
        default:
            return new RuntimeStatus.ComponentRow(description.name, bundle, "unknown",
                    "state " + configuration.state, false);
        }
    }

    private static String missingReferences(ComponentDescriptionDTO description, ComponentConfigurationDTO configuration) {
        return Stream.of(configuration.unsatisfiedReferences)
                .map(missing -> describe(description, missing))
                .collect(Collectors.joining("; "));
    }

    /** {@code sink: no dev.otto.api.spi.TelemetrySink matching (filter)}; constructor parameters have no useful name. */
    static String describe(ComponentDescriptionDTO description, UnsatisfiedReferenceDTO missing) {
        String service = Stream.of(description.references)
                .filter(r -> r.name.equals(missing.name))
                .map((ReferenceDTO r) -> r.interfaceName)
                .findFirst().orElse("service");
        String name = missing.name.startsWith("$") ? "" : missing.name + ": ";
        return name + "no " + service + (missing.target == null ? "" : " matching " + missing.target);
    }

    /** {@code java.lang.IllegalStateException: } at the start of a message: a class, not a reason. */
    private static final java.util.regex.Pattern CLASS_PREFIX =
            java.util.regex.Pattern.compile("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:: |$)");
    /** A stack frame inside a line ({@code at dev.otto.X.y(X.java:12)}): where the reason ends. */
    private static final java.util.regex.Pattern FRAME =
            java.util.regex.Pattern.compile("\\s+at\\s+[\\w$.]+(?:/[\\w$.]+)*\\.[\\w$<>]+\\(.*$");

    /**
     * One readable reason from SCR's recorded failure (a stack trace as text): the message of the
     * innermost cause that has one (the first line is usually only a reflection wrapper), without
     * exception classes (of it or of causes it quotes), frames or further lines. A failure no
     * cause explains is said to be so, with the class for whoever reads the log.
     */
    static String rootCause(String failure) {
        if (failure == null || failure.isBlank()) {
            return "no reason recorded (see the log)";
        }
        List<String> causes = new ArrayList<>();
        List<String> lines = failure.strip().lines().collect(Collectors.toList());
        causes.add(lines.get(0));
        for (String line : lines) {
            if (line.startsWith("Caused by: ")) {
                causes.add(line.substring("Caused by: ".length()));
            }
        }
        String unexplained = null;
        for (int i = causes.size() - 1; i >= 0; i--) {
            String reason = reason(causes.get(i));
            if (!reason.isEmpty()) {
                return reason.length() > 600 ? reason.substring(0, 600) + "..." : reason;
            }
            if (unexplained == null) {
                java.util.regex.Matcher type = java.util.regex.Pattern.compile("([A-Z][\\w$]*)(?::|$)").matcher(causes.get(i).strip());
                unexplained = type.find() ? type.group(1) : "an exception";
            }
        }
        return "it failed without saying why (" + unexplained + "; the log has the details)";
    }

    /** A cause's line as a reason: classes cut from its front, frames from its end; empty when nothing is left. */
    private static String reason(String cause) {
        String reason = FRAME.matcher(cause.strip()).replaceFirst("");
        for (String before = null; !reason.equals(before);) {
            before = reason;
            reason = CLASS_PREFIX.matcher(reason).replaceFirst("").strip();
        }
        return reason;
    }

    /** The files of deploy/ that are not running as a bundle ({@link DeployFolder}). */
    List<DeployFolder.Entry> deploys() {
        String dir = context.getProperty(DEPLOY_DIR);
        if (dir == null) {
            return List.of();
        }
        List<String> locations = Arrays.stream(context.getBundles()).map(Bundle::getLocation).collect(Collectors.toList());
        return DeployFolder.inspect(Path.of(dir), locations);
    }

    static String stateName(int state) {
        switch (state) {
        case Bundle.UNINSTALLED: return "uninstalled";
        case Bundle.INSTALLED: return "installed";
        case Bundle.RESOLVED: return "resolved";
        case Bundle.STARTING: return "starting";
        case Bundle.STOPPING: return "stopping";
        case Bundle.ACTIVE: return "active";
        default: return "state " + state;
        }
    }
}
