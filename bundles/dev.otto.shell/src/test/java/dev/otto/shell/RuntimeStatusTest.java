package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

class RuntimeStatusTest {

    private static RuntimeStatus status(List<RuntimeStatus.BundleRow> bundles, List<RuntimeStatus.ComponentRow> components,
            List<String> pending) {
        return new RuntimeStatus("0.1.0", "Apache Felix 7.0.5", "17", Duration.ofSeconds(75), "/data", "/cfg/config.jsonc",
                false, "/data/logs/otto.log", bundles, components, pending);
    }

    @Test
    void aHealthyRuntimeIsReadyAndSaysSo() {
        RuntimeStatus status = status(
                List.of(new RuntimeStatus.BundleRow(3, "dev.otto.shell", "0.1.0", "active", null)),
                List.of(new RuntimeStatus.ComponentRow("dev.otto.shell.StatusCommands", "dev.otto.shell", "active", null, true)),
                List.of());
        assertThat(status.ready()).isTrue();
        assertThat(status.toText()).contains("up 1m15s", "(not present: built-in defaults)",
                "3   dev.otto.shell  0.1.0    active", "Ready: 1 Otto bundles active, 1 components satisfied.");
        Map<String, Object> json = status.toJson();
        assertThat(json).containsEntry("ready", true).containsEntry("uptime_ms", 75_000L)
                .containsEntry("problems", List.of());
        assertThat(json.keySet()).startsWith("otto_version", "framework", "java", "uptime_ms");
    }

    @Test
    void everyProblemNamesTheThingAndWhy() {
        RuntimeStatus status = status(
                List.of(new RuntimeStatus.BundleRow(4, "dev.otto.catalog", "0.1.0", "installed", "its imports cannot be resolved")),
                List.of(new RuntimeStatus.ComponentRow("dev.otto.x.Broken", "dev.otto.x", "failed", "activation failed: boom", false),
                        new RuntimeStatus.ComponentRow("dev.otto.x.Off", "dev.otto.x", "disabled", null, true)),
                List.of("plugin.jar"));
        assertThat(status.ready()).isFalse();
        assertThat(status.problems()).containsExactly(
                "bundle dev.otto.catalog is installed: its imports cannot be resolved",
                "component dev.otto.x.Broken (dev.otto.x) is failed: activation failed: boom",
                "deploy/plugin.jar is not installed yet");
        assertThat(status.toText()).contains("NOT READY, 3 problems:", "  - deploy/plugin.jar is not installed yet");
    }

    @Test
    void theRootCauseOfAnActivationFailureIsTheLastCausedBy() {
        String trace = String.join("\n",
                "java.lang.reflect.InvocationTargetException",
                "\tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)",
                "Caused by: java.lang.RuntimeException: wrapper",
                "\tat x.Y.z(Y.java:1)",
                "Caused by: java.lang.IllegalStateException: the real reason",
                "\t... 12 more");
        assertThat(RuntimeInspector.rootCause(trace)).isEqualTo("java.lang.IllegalStateException: the real reason");
        assertThat(RuntimeInspector.rootCause("java.lang.Error: plain")).isEqualTo("java.lang.Error: plain");
        assertThat(RuntimeInspector.rootCause(null)).isEqualTo("no reason recorded (see the log)");
    }

    @Test
    void aMissingReferenceNamesTheServiceAndFilter() {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        ReferenceDTO byConstructor = new ReferenceDTO();
        byConstructor.name = "$000";
        byConstructor.interfaceName = "dev.otto.api.spi.TelemetrySink";
        ReferenceDTO byField = new ReferenceDTO();
        byField.name = "catalog";
        byField.interfaceName = "dev.otto.api.catalog.ModelCatalog";
        description.references = new ReferenceDTO[] { byConstructor, byField };
        UnsatisfiedReferenceDTO first = new UnsatisfiedReferenceDTO();
        first.name = "$000";
        first.target = "(otto.plugin.name=x)";
        UnsatisfiedReferenceDTO second = new UnsatisfiedReferenceDTO();
        second.name = "catalog";
        assertThat(RuntimeInspector.describe(description, first))
                .isEqualTo("no dev.otto.api.spi.TelemetrySink matching (otto.plugin.name=x)");
        assertThat(RuntimeInspector.describe(description, second)).isEqualTo("catalog: no dev.otto.api.catalog.ModelCatalog");
    }
}
