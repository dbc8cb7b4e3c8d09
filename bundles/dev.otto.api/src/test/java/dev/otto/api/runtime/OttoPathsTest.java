package dev.otto.api.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OttoPathsTest {

    static final Path HOME = Path.of("/home/op");

    static Function<String, String> lookup(Map<String, String> map) {
        return map::get;
    }

    @Test
    void defaultsUnderHome() {
        OttoPaths paths = OttoPaths.resolve(lookup(Map.of()), lookup(Map.of()), HOME);

        assertThat(paths.configFile()).isEqualTo(Path.of("/home/op/.config/otto/config.jsonc"));
        assertThat(paths.dataDir()).isEqualTo(Path.of("/home/op/.otto/data"));
        assertThat(paths.catalogCache()).isEqualTo(Path.of("/home/op/.otto/data/model-catalog-cache.json"));
        assertThat(paths.database()).isEqualTo(Path.of("/home/op/.otto/data/otto.db"));
        assertThat(paths.telemetryDir()).isEqualTo(Path.of("/home/op/.otto/data/telemetry"));
        assertThat(paths.telemetryFile(LocalDate.of(2026, 3, 7)))
                .isEqualTo(Path.of("/home/op/.otto/data/telemetry/otto-2026-03-07.jsonl"));
        assertThat(paths.logsDir()).isEqualTo(Path.of("/home/op/.otto/data/logs"));
        assertThat(paths.logFile()).isEqualTo(Path.of("/home/op/.otto/data/logs/otto.log"));
    }

    @Test
    void environmentBeatsPropertyBeatsHome() {
        Map<String, String> env = Map.of("OTTO_CONFIG", "/env/config.jsonc", "OTTO_DATA_DIR", "/env/data");
        Map<String, String> props = Map.of("otto.config", "/prop/config.jsonc", "otto.data", "/prop/data");

        OttoPaths both = OttoPaths.resolve(lookup(env), lookup(props), HOME);
        assertThat(both.configFile()).isEqualTo(Path.of("/env/config.jsonc"));
        assertThat(both.dataDir()).isEqualTo(Path.of("/env/data"));

        OttoPaths propsOnly = OttoPaths.resolve(lookup(Map.of()), lookup(props), HOME);
        assertThat(propsOnly.configFile()).isEqualTo(Path.of("/prop/config.jsonc"));
        assertThat(propsOnly.dataDir()).isEqualTo(Path.of("/prop/data"));
    }

    @Test
    void blankCountsAsUnsetAndTildeExpands() {
        OttoPaths paths = OttoPaths.resolve(lookup(Map.of("OTTO_CONFIG", "  ", "OTTO_DATA_DIR", "~/otto-data")),
                lookup(Map.of("otto.config", "~/cfg.jsonc")), HOME);

        assertThat(paths.configFile()).isEqualTo(Path.of("/home/op/cfg.jsonc"));
        assertThat(paths.dataDir()).isEqualTo(Path.of("/home/op/otto-data"));
    }

    @Test
    void fromSystemResolves() {
        assertThat(OttoPaths.fromSystem().dataDir()).isNotNull();
        assertThat(OttoPaths.telemetryFileName(LocalDate.of(2026, 12, 31))).isEqualTo("otto-2026-12-31.jsonl");
    }
}
