package dev.otto.api.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ToolRecordsTest {

    @Test
    void sopNamesStayInsideTheFolder() {
        assertThat(Sop.requireValidName("python-env")).isEqualTo("python-env");
        assertThat(Sop.requireValidName("python-env.ai.sop")).isEqualTo("python-env.ai.sop");
        for (String bad : new String[] {"../x", "/etc/passwd", "a/b", ".hidden", "", " x", "x y"}) {
            assertThatThrownBy(() -> Sop.requireValidName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected letters, digits");
        }
        assertThatThrownBy(() -> new Sop("ok", null, "")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void hookCommandsHideTheirArguments() {
        HookCommand command = HookCommand.of("deploy.sh", "--token", "s3cret");

        assertThat(command.program()).isEqualTo("deploy.sh");
        assertThat(command.toString()).doesNotContain("s3cret").contains("deploy.sh with 2 arguments");
        assertThat(command.withTimeout(Duration.ofSeconds(5)).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> HookCommand.of()).hasMessageContaining("needs a program");
        assertThatThrownBy(() -> HookCommand.of(" ")).hasMessageContaining("needs a program");
        assertThatThrownBy(() -> HookCommand.of("a", "b\0c")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> HookCommand.of("a").withTimeout(Duration.ZERO)).hasMessageContaining("positive");
    }

    @Test
    void onlyAFailedPreRunHookSkipsTheRun() {
        HookResult failed = new HookResult(HookPhase.PRE_RUN, "check", HookStatus.FAILED, 2, "private output", 14, false,
                Duration.ofMillis(5), "pre-run hook check exited with status 2");

        assertThat(failed.skipReason()).contains("skipped: pre-run hook check exited with status 2");
        assertThat(failed.toString()).doesNotContain("private").contains("output=<14 bytes>");
        assertThat(new HookResult(HookPhase.POST_RUN, "check", HookStatus.TIMED_OUT, null, "", 0, false, Duration.ZERO,
                "post-run hook check timed out").skipReason()).isEmpty();
        assertThat(new HookResult(HookPhase.PRE_RUN, "check", HookStatus.OK, 0, "", 0, false, Duration.ZERO, "ok")
                .skipReason()).isEmpty();
        assertThatThrownBy(() -> new HookResult(HookPhase.PRE_RUN, "check", HookStatus.OK, 1, "", 0, false,
                Duration.ZERO, "")).hasMessageContaining("needs exit code 0");
    }

    @Test
    void searchResultsAreOrderedByFileAndLine() {
        SearchResult result = new SearchResult(SearchBackend.GREP, List.of(new SearchHit("b.txt", 1, "x"),
                new SearchHit("a.txt", 10, "y"), new SearchHit("a.txt", 2, "z")), false);

        assertThat(result.hits()).extracting(h -> h.file() + ":" + h.line()).containsExactly("a.txt:2", "a.txt:10", "b.txt:1");
        assertThat(new SearchHit("f", 1, "t".repeat(5000)).text()).hasSize(SearchHit.MAX_TEXT);
        assertThatThrownBy(() -> new SearchHit("f", 0, "")).hasMessageContaining("expected 1 or more");
    }

    @Test
    void toolStatusSaysWhetherItWasFound() {
        ToolStatus missing = new ToolStatus("rg", List.of("rg"), null, null, null);
        assertThat(missing.found()).isFalse();
        assertThat(missing.note()).isEmpty();
        assertThat(new ToolStatus("grep", List.of("grep"), Path.of("/bin/grep"), "3.8", "").found()).isTrue();
        assertThatThrownBy(() -> new ToolStatus("x", List.of(), null, null, "")).hasMessageContaining("must not be empty");
        assertThat(new ToolNotFoundException(List.of("python3", "python"), "none").candidates())
                .containsExactly("python3", "python");
    }
}
