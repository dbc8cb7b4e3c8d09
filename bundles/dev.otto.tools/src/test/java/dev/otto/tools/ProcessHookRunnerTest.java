package dev.otto.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.HookPhase;
import dev.otto.api.tools.HookResult;
import dev.otto.api.tools.HookStatus;

@Timeout(120)
class ProcessHookRunnerTest {

    /** What the runtime's own environment might hold: keys among harmless variables. */
    static final Map<String, String> HOST_ENV = Map.of(
            "HOME", "/home/otto",
            "LANG", "C.UTF-8",
            "OPENAI_API_KEY", "sk-test-secret-1",
            "GITHUB_TOKEN", "ghp_secret2",
            "AWS_SECRET_ACCESS_KEY", "aws-secret-3",
            "OPENCODE_SERVER_PASSWORD", "pw-secret-4",
            "LD_PRELOAD", "/tmp/evil.so",
            "CUSTOM_SETTING", "visible",
            "PYTHONPATH", "/tmp/elsewhere");

    @TempDir
    Path tmp;

    final RecordingLog log = new RecordingLog();

    @AfterEach
    void unlink() throws IOException {
        TestBin.unlinkAll(tmp);
    }
    TestBin bin;
    PortableTools tools;

    @BeforeEach
    void path() throws IOException {
        // no python and no rg on this PATH, as on many hosts
        bin = new TestBin(tmp.resolve("bin")).links(List.of("python3", "grep", "env", "sleep"));
        tools = new PortableTools(bin.path(), HOST_ENV, Duration.ofSeconds(60), 100, log);
    }

    ProcessHookRunner runner(List<String> passed, int maxOutput) {
        return new ProcessHookRunner(tools, HOST_ENV, passed, Duration.ofSeconds(60), maxOutput, tmp, log);
    }

    @Test
    void aSucceedingHookLetsTheRunGoAhead() {
        HookResult result = runner(List.of(), 1024).run(HookPhase.PRE_RUN,
                HookCommand.of("python3", "-c", "print('ready')"), Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.OK);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).isEqualTo("ready\n");
        assertThat(result.skipReason()).isEmpty();
    }

    @Test
    void pythonMeansThePython3Interpreter() {
        assertThat(tools.find("python")).isEmpty();

        HookResult result = runner(List.of(), 1024).run(HookPhase.POST_RUN,
                HookCommand.of("python", "-c", "import sys; print(sys.version_info[0])"), Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.OK);
        assertThat(result.output()).isEqualTo("3\n");
    }

    @Test
    void aFailingPreRunHookSkipsTheRunWithItsReason() {
        HookCommand failing = HookCommand.of("python3", "-c", "import sys; print('not ready'); sys.exit(3)");

        HookResult pre = runner(List.of(), 1024).run(HookPhase.PRE_RUN, failing, Map.of());
        HookResult post = runner(List.of(), 1024).run(HookPhase.POST_RUN, failing, Map.of());

        assertThat(pre.status()).isEqualTo(HookStatus.FAILED);
        assertThat(pre.exitCode()).isEqualTo(3);
        assertThat(pre.output()).isEqualTo("not ready\n");
        assertThat(pre.skipReason()).contains("skipped: pre-run hook python3 exited with status 3");
        assertThat(post.status()).isEqualTo(HookStatus.FAILED);
        assertThat(post.skipReason()).as("a post-run hook cannot skip a run that already happened").isEmpty();
        assertThat(log.warnings).hasSize(2).allSatisfy(w -> assertThat(w).doesNotContain("not ready", "sys.exit"));
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledWithItsChildren() throws Exception {
        Path pidFile = tmp.resolve("child.pid");
        String script = "import subprocess, sys, time\n"
                + "child = subprocess.Popen(['sleep', '300'])\n"
                + "open(sys.argv[1], 'w').write(str(child.pid))\n"
                + "print('started', flush=True)\n"
                + "time.sleep(300)\n";

        HookResult result = runner(List.of(), 1024).run(HookPhase.PRE_RUN,
                HookCommand.of("python3", "-c", script, pidFile.toString()).withTimeout(Duration.ofSeconds(2)), Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.TIMED_OUT);
        assertThat(result.exitCode()).isNull();
        assertThat(result.output()).isEqualTo("started\n");
        assertThat(result.skipReason()).contains("skipped: pre-run hook python3 timed out after PT2S and was killed");
        long childPid = Long.parseLong(Files.readString(pidFile).strip());
        // the grandchild held the output pipe too: that the run returned at all shows it is gone; check it anyway
        Optional<ProcessHandle> child = ProcessHandle.of(childPid);
        if (child.isPresent()) {
            child.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    }

    @Test
    void hugeOutputIsCutButCounted() {
        HookResult result = runner(List.of(), 4096).run(HookPhase.POST_RUN, HookCommand.of("python3", "-c",
                "import sys\nfor _ in range(1000): sys.stdout.write('x' * 9999 + '\\n')\nsys.stderr.write('done')"),
                Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.OK);
        assertThat(result.output().getBytes(StandardCharsets.UTF_8)).hasSize(4096);
        assertThat(result.outputBytes()).isEqualTo(10_000_000L + 4);
        assertThat(result.outputTruncated()).isTrue();
        assertThat(result.toString()).doesNotContain("xxx");
    }

    @Test
    void endlessOutputIsBoundedUntilTheTimeout() {
        HookResult result = runner(List.of(), 1000).run(HookPhase.POST_RUN,
                HookCommand.of("python3", "-c", "while True: print('y' * 1000)").withTimeout(Duration.ofSeconds(1)),
                Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.TIMED_OUT);
        assertThat(result.output()).hasSize(1000);
        assertThat(result.outputBytes()).isGreaterThan(1000);
    }

    @Test
    void theEnvironmentHoldsNoKeysUnlessConfigured() {
        HookResult plain = runner(List.of("CUSTOM_SETTING"), 65536).run(HookPhase.PRE_RUN, HookCommand.of("env"),
                Map.of("OTTO_JOB_ID", "42"));

        assertThat(plain.status()).isEqualTo(HookStatus.OK);
        Map<String, String> seen = parse(plain.output());
        assertThat(seen).containsOnlyKeys("PATH", "HOME", "LANG", "CUSTOM_SETTING", "OTTO_JOB_ID", "OTTO_HOOK_PHASE");
        assertThat(seen).containsEntry("PATH", bin.path()).containsEntry("OTTO_HOOK_PHASE", "pre_run")
                .containsEntry("OTTO_JOB_ID", "42").containsEntry("CUSTOM_SETTING", "visible");
        assertThat(plain.output()).doesNotContain("secret", "evil");

        HookResult configured = runner(List.of("GITHUB_TOKEN"), 65536).run(HookPhase.PRE_RUN, HookCommand.of("env"),
                Map.of());
        assertThat(parse(configured.output())).containsEntry("GITHUB_TOKEN", "ghp_secret2")
                .doesNotContainKeys("OPENAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "OPENCODE_SERVER_PASSWORD");
    }

    @Test
    void callersCannotSetVariablesOutsideTheirNamespace() {
        ProcessHookRunner runner = runner(List.of(), 1024);

        assertThatThrownBy(() -> runner.run(HookPhase.PRE_RUN, HookCommand.of("env"), Map.of("LD_PRELOAD", "/x.so")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OTTO_[A-Z0-9_]+");
        assertThatThrownBy(() -> runner(List.of("BAD NAME"), 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingProgramIsAResultNotAnException() {
        HookResult result = runner(List.of(), 1024).run(HookPhase.PRE_RUN, HookCommand.of("no-such-hook", "--flag"),
                Map.of());

        assertThat(result.status()).isEqualTo(HookStatus.NOT_FOUND);
        assertThat(result.skipReason()).hasValueSatisfying(r -> assertThat(r)
                .startsWith("skipped: pre-run hook no-such-hook was not found: no executable no-such-hook on PATH")
                .contains(bin.path()));

        HookResult relative = runner(List.of(), 1024).run(HookPhase.PRE_RUN, HookCommand.of("./missing.sh"), Map.of());
        assertThat(relative.status()).isEqualTo(HookStatus.NOT_FOUND);
    }

    @Test
    void argumentsReachTheProgramUntouchedByAnyShell() {
        String tricky = "$(touch pwned) `x` ; | & * ' \"";

        HookResult result = runner(List.of(), 1024).run(HookPhase.POST_RUN,
                HookCommand.of("python3", "-c", "import sys; print(sys.argv[1])", tricky), Map.of());

        assertThat(result.output()).isEqualTo(tricky + "\n");
        assertThat(tmp.resolve("pwned")).doesNotExist();
    }

    private static Map<String, String> parse(String envOutput) {
        Map<String, String> vars = new HashMap<>();
        for (String line : envOutput.lines().collect(Collectors.toList())) {
            int eq = line.indexOf('=');
            vars.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return vars;
    }
}
