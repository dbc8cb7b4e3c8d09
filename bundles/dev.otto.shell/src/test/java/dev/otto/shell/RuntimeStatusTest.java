package dev.otto.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import dev.otto.api.model.ModelRef;
import dev.otto.api.opencode.OpenCodeConnection;
import dev.otto.api.opencode.OpenCodeResponse;
import dev.otto.api.opencode.OpenCodeStatus;
import dev.otto.api.opencode.SessionEvents;
import dev.otto.api.routing.ActiveRouting;
import dev.otto.api.routing.Cooldown;
import dev.otto.api.routing.ErrorClass;
import dev.otto.api.routing.ModelRouter;
import dev.otto.api.routing.RoutePlan;
import dev.otto.api.routing.RunRequest;
import dev.otto.api.routing.RunResult;
import dev.otto.api.runtime.HealthCheck;

class RuntimeStatusTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final ModelRef A = ModelRef.parse("openai/gpt-5.2");
    private static final ModelRef B = ModelRef.parse("openai-codex/gpt-5.3-codex");

    private static RuntimeStatus status(List<RuntimeStatus.BundleRow> bundles, List<RuntimeStatus.ComponentRow> components,
            List<String> pending) {
        return status(bundles, components, pending, RuntimeStatus.Reading.missing("the router (bundle dev.otto.router) is not running"),
                RuntimeStatus.Reading.missing("no OpenCode connection is running (bundle dev.otto.opencode)"));
    }

    private static RuntimeStatus status(List<RuntimeStatus.BundleRow> bundles, List<RuntimeStatus.ComponentRow> components,
            List<String> pending, RuntimeStatus.Reading<List<Cooldown>> cooldowns, RuntimeStatus.Reading<OpenCodeStatus> openCode) {
        return status(bundles, components, pending, List.of(), cooldowns, openCode);
    }

    private static RuntimeStatus status(List<RuntimeStatus.BundleRow> bundles, List<RuntimeStatus.ComponentRow> components,
            List<String> pending, List<RuntimeStatus.HealthRow> health, RuntimeStatus.Reading<List<Cooldown>> cooldowns,
            RuntimeStatus.Reading<OpenCodeStatus> openCode) {
        return new RuntimeStatus("0.1.0", "Apache Felix 7.0.5", "17", Duration.ofSeconds(75), "/data", "/cfg/config.jsonc",
                false, "/data/logs/otto.log", bundles, components,
                pending.stream().map(jar -> new DeployFolder.Entry(jar, DeployFolder.NOT_INSTALLED, true)).toList(),
                health, NOW, cooldowns, openCode);
    }

    private static RuntimeStatus healthy(RuntimeStatus.Reading<List<Cooldown>> cooldowns, RuntimeStatus.Reading<OpenCodeStatus> openCode) {
        return status(List.of(new RuntimeStatus.BundleRow(3, "dev.otto.shell", "0.1.0", "active", null)),
                List.of(new RuntimeStatus.ComponentRow("dev.otto.shell.StatusCommands", "dev.otto.shell", "active", null, true)),
                List.of(), cooldowns, openCode);
    }

    @Test
    void aHealthCheckWithAProblemMakesTheRuntimeNotReadyAndSaysWhatToDo() {
        RuntimeStatus status = status(List.of(new RuntimeStatus.BundleRow(3, "dev.otto.persistence", "0.1.0", "active", null)),
                List.of(), List.of(), RuntimeInspector.health(List.of(
                        check("job database", "/data/otto.db was deleted while Otto ran: restart Otto"),
                        check("telemetry folder", null))),
                RuntimeStatus.Reading.missing("no router"), RuntimeStatus.Reading.missing("no OpenCode"));

        assertThat(status.ready()).isFalse();
        assertThat(status.problems()).containsExactly("job database: /data/otto.db was deleted while Otto ran: restart Otto");
        assertThat(status.toText()).contains("NOT READY, 1 problem:").containsPattern("telemetry folder\\s+ok");
        assertThat(Json.write(status.toJson())).contains("\"health\"").contains("\"ok\" : false");
    }

    @Test
    void aHealthCheckThatThrowsIsReportedAsAProblemAndDoesNotBreakTheStatus() {
        List<RuntimeStatus.HealthRow> rows = RuntimeInspector.health(List.of(new HealthCheck() {
            @Override
            public String name() {
                throw new IllegalStateException("boom");
            }

            @Override
            public String problem() {
                return null;
            }
        }));

        assertThat(rows).singleElement().satisfies(row -> assertThat(row.problem()).contains("check itself failed"));
    }

    private static HealthCheck check(String name, String problem) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String problem() {
                return problem;
            }
        };
    }

    private static ModelRouter routerWith(List<Cooldown> cooldowns, RuntimeException failure) {
        return new ModelRouter() {
            @Override
            public RunResult run(RunRequest request) {
                throw new AssertionError("status runs nothing");
            }

            @Override
            public RoutePlan plan(RunRequest request) {
                throw new AssertionError("status plans nothing");
            }

            @Override
            public List<Cooldown> cooldowns() {
                if (failure != null) {
                    throw failure;
                }
                return cooldowns;
            }

            @Override
            public ActiveRouting active() {
                throw new AssertionError("status does not read the active routing");
            }
        };
    }

    @Test
    void theModelsCoolingDownAreShownSoonestFirstWithWhatIsLeft() {
        Cooldown later = new Cooldown(A, NOW.plusSeconds(62), ErrorClass.RATE_LIMITED, NOW.minusSeconds(10));
        Cooldown sooner = new Cooldown(B, NOW.plusSeconds(5), ErrorClass.of("Overloaded"), NOW.minusSeconds(1));
        Cooldown over = new Cooldown(ModelRef.parse("openai/gpt-5o"), NOW.minusSeconds(1), ErrorClass.RATE_LIMITED,
                NOW.minusSeconds(3));
        RuntimeStatus.Reading<List<Cooldown>> read = RuntimeInspector.cooldowns(routerWith(List.of(later, over, sooner), null), NOW);
        assertThat(read.value()).containsExactly(sooner, later);

        RuntimeStatus status = healthy(read, RuntimeInspector.openCode(null));
        assertThat(status.toText()).contains(
                "COOLING DOWN                UNTIL                 ERROR CLASS  LEFT",
                "openai-codex/gpt-5.3-codex  2026-11-21T12:00:05Z  Overloaded   for another 5s",
                "openai/gpt-5.2              2026-11-21T12:01:02Z  RateLimited  for another 1m02s",
                "OpenCode connection: unknown, no OpenCode connection is running (bundle dev.otto.opencode).");
        assertThat(status.ready()).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> cooldowns = (Map<String, Object>) status.toJson().get("cooldowns");
        assertThat(cooldowns).containsEntry("available", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> models = (List<Map<String, Object>>) cooldowns.get("models");
        assertThat(models.get(1)).containsEntry("model", "openai/gpt-5.2").containsEntry("until", "2026-11-21T12:01:02Z")
                .containsEntry("error_class", "RateLimited").containsEntry("since", "2026-11-21T11:59:50Z")
                .containsEntry("remaining_ms", 62_000L);
    }

    @Test
    void withoutARouterOrWhenItCannotSayTheStatusSaysSoAndIsStillReady() {
        RuntimeStatus absent = healthy(RuntimeInspector.cooldowns(null, NOW), RuntimeInspector.openCode(null));
        assertThat(absent.toText()).contains("Cooling down: unknown, the router (bundle dev.otto.router) is not running.");
        assertThat(absent.ready()).isTrue();
        RuntimeStatus broken = healthy(RuntimeInspector.cooldowns(routerWith(null, new IllegalStateException("boom")), NOW),
                RuntimeInspector.openCode(null));
        assertThat(broken.toText()).contains("Cooling down: unknown, the router could not list them (see the log).")
                .doesNotContain("boom", "IllegalStateException");
        RuntimeStatus none = healthy(RuntimeInspector.cooldowns(routerWith(List.of(), null), NOW), RuntimeInspector.openCode(null));
        assertThat(none.toText()).contains("Cooling down: no model.");
    }

    @Test
    void theOpenCodeConnectionIsShownWithoutCredentials() {
        OpenCodeStatus connected = new OpenCodeStatus(URI.create("http://opencode:s3cret-pass@127.0.0.1:4096/?token=abc"),
                true, 4242, true, NOW.minusSeconds(192), 2,
                "stream to http://opencode:s3cret-pass@127.0.0.1:4096/event reset; Authorization: Basic b3BlbmNvZGU6czNjcmV0", 1);
        OpenCodeConnection connection = fakeConnection(connected);
        RuntimeStatus status = healthy(RuntimeInspector.cooldowns(null, NOW), RuntimeInspector.openCode(connection));
        String text = status.toText();
        assertThat(text).contains(
                "OPENCODE       STATE",
                "url            http://127.0.0.1:4096/",
                "process        managed by Otto, pid 4242",
                "event stream   connected since 2026-11-21T11:56:48Z (3m12s ago)",
                "reconnects     2",
                "subscriptions  1 session",
                "last error     stream to http://127.0.0.1:4096/event reset; Authorization: Basic (redacted)");
        String json = Json.write(status.toJson());
        for (String out : List.of(text, json)) {
            assertThat(out).doesNotContain("s3cret", "b3BlbmNvZGU6czNjcmV0", "token=abc");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> openCode = (Map<String, Object>) status.toJson().get("opencode");
        assertThat(openCode).containsEntry("available", true).containsEntry("managed", true).containsEntry("pid", 4242L)
                .containsEntry("events_connected", true).containsEntry("events_since", "2026-11-21T11:56:48Z")
                .containsEntry("reconnects", 2L).containsEntry("subscriptions", 1);

        OpenCodeStatus down = new OpenCodeStatus(URI.create("http://127.0.0.1:4096"), false, 0, false,
                NOW.minusSeconds(12), 5, "connection refused", 0);
        String downText = healthy(RuntimeInspector.cooldowns(null, NOW), RuntimeInspector.openCode(fakeConnection(down))).toText();
        assertThat(downText).contains("process        not managed by Otto (started outside it)",
                "event stream   down since 2026-11-21T11:59:48Z (12s ago)", "last error     connection refused",
                "subscriptions  0 sessions");
    }

    private static OpenCodeConnection fakeConnection(OpenCodeStatus status) {
        return new OpenCodeConnection() {
            @Override
            public OpenCodeResponse get(String path, Instant deadline, long maxBytes) {
                throw new AssertionError("status sends no request");
            }

            @Override
            public OpenCodeResponse post(String path, byte[] json, Instant deadline) {
                throw new AssertionError("status sends no request");
            }

            @Override
            public OpenCodeResponse delete(String path, Instant deadline) {
                throw new AssertionError("status sends no request");
            }

            @Override
            public SessionEvents subscribe(String sessionId) {
                throw new AssertionError("status listens to no session");
            }

            @Override
            public OpenCodeStatus status() {
                return status;
            }
        };
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
    void componentsThatFailedOnlyForAnotherAreNamedTogetherAfterTheCause() {
        RuntimeStatus status = status(List.of(),
                List.of(new RuntimeStatus.ComponentRow("dev.otto.catalog.Catalog", "dev.otto.catalog", "failed",
                        "activation failed: Otto cannot start: the first model catalog fetch failed", false),
                        new RuntimeStatus.ComponentRow("dev.otto.router.RoutingService", "dev.otto.router", "failed",
                                "activation failed: Unable to get service for reference $000", false),
                        new RuntimeStatus.ComponentRow("dev.otto.scheduler.SchedulerComponent", "dev.otto.scheduler", "failed",
                                "activation failed: Unable to get service for reference $002", false)),
                List.of());
        assertThat(status.problems()).containsExactly(
                "component dev.otto.catalog.Catalog (dev.otto.catalog) is failed: activation failed: Otto cannot start:"
                        + " the first model catalog fetch failed",
                "and so dev.otto.router.RoutingService, dev.otto.scheduler.SchedulerComponent (they need it)");
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
        assertThat(RuntimeInspector.rootCause(trace)).isEqualTo("the real reason");
        assertThat(RuntimeInspector.rootCause("java.lang.Error: plain")).isEqualTo("plain");
        assertThat(RuntimeInspector.rootCause("dev.otto.catalog.CatalogStartupException: Otto cannot start: x.y: z"))
                .isEqualTo("Otto cannot start: x.y: z");
        assertThat(RuntimeInspector.rootCause("java.lang.NullPointerException"))
                .isEqualTo("it failed without saying why (NullPointerException; the log has the details)");
        // a wrapper quoting its cause, a frame in the message, a cause without message: one reason, no class, no frame
        assertThat(RuntimeInspector.rootCause(String.join("\n",
                "org.osgi.service.component.ComponentException: dev.otto.logging.LogException: cannot open /d/logs at"
                        + " dev.otto.logging.RotatingLogFile.open(RotatingLogFile.java:58)",
                "\tat org.apache.felix.scr.impl.X.y(X.java:1)",
                "Caused by: java.lang.IllegalStateException: java.io.IOException: /d/logs/otto.log: Is a directory",
                "\tat dev.otto.logging.RotatingLogFile.open(RotatingLogFile.java:58)",
                "Caused by: java.lang.NullPointerException",
                "\t... 3 more")))
                .isEqualTo("/d/logs/otto.log: Is a directory");
        assertThat(RuntimeInspector.rootCause(
                "dev.otto.logging.LogException: cannot open /d/logs at dev.otto.logging.RotatingLogFile.open(RotatingLogFile.java:58)"))
                .isEqualTo("cannot open /d/logs");
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
