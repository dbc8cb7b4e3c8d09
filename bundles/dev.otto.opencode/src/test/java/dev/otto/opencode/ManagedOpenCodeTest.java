package dev.otto.opencode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the managed OpenCode, with a stand-in executable (a shell script) for what a failed
 * start looks like and for the process's environment. The real server's start, health wait with
 * the generated password, and stop are in {@link RealOpenCodeTest}.
 */
class ManagedOpenCodeTest {

    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path script = dir.resolve("opencode");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n", UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private IOException failedStart(Path executable, Map<String, String> inherited, Credentials credentials,
            Duration timeout) {
        return catchThrowableOfType(() -> ManagedOpenCode.start(executable, dir.resolve("state"), dir.resolve("logs/opencode.log"),
                inherited, credentials, timeout, Duration.ofSeconds(1)), IOException.class);
    }

    @Test
    void aMissingExecutableSaysHowToInstallIt() {
        IOException e = failedStart(dir.resolve("nope/opencode"), System.getenv(), Credentials.generate(new SecureRandom()),
                Duration.ofSeconds(5));

        assertThat(e).hasMessage("the pinned OpenCode is not installed at " + dir.resolve("nope/opencode")
                + "; rebuild the distribution (mvn -B -ntp clean install -DskipTests), which installs it from npm");
    }

    @Test
    void anExecutableThatExitsFailsTheStartAndPointsAtItsLog() throws Exception {
        Path executable = script("echo \"port in use\"; exit 3");

        IOException e = failedStart(executable, System.getenv(), Credentials.generate(new SecureRandom()), Duration.ofSeconds(20));

        assertThat(e).hasMessage("OpenCode exited with status 3 while starting; see " + dir.resolve("logs/opencode.log"));
        assertThat(Files.readString(dir.resolve("logs/opencode.log"))).isEqualTo("port in use\n");
    }

    @Test
    void theProcessGetsItsOwnPasswordAndHomeAndNothingOfOttosCredentials() throws Exception {
        Path dump = dir.resolve("env.txt");
        Path executable = script("read line; echo \"stdin=$?\" > " + dump + "; echo \"args=$*\" >> " + dump + "; env >> " + dump
                + "; echo \"appended\"; exit 1");
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/opencode.log"), "earlier run\n");
        Map<String, String> inherited = new HashMap<>();
        inherited.put("PATH", System.getenv("PATH"));
        inherited.put("KEEP_ME", "yes");
        inherited.put("OPENCODE_SERVER_USERNAME", "alice");
        inherited.put("OPENCODE_SERVER_PASSWORD", "ottos-own-password");
        inherited.put("XDG_CONFIG_HOME", "/elsewhere/config");
        inherited.put("XDG_DATA_HOME", "/elsewhere/data");
        Credentials credentials = Credentials.generate(new SecureRandom());

        failedStart(executable, inherited, credentials, Duration.ofSeconds(20));

        List<String> lines = Files.readAllLines(dump);
        assertThat(lines).contains("stdin=1", // read hit end of input at once: /dev/null
                "HOME=" + dir.resolve("state"), "KEEP_ME=yes", "OPENCODE_SERVER_PASSWORD=" + credentials.password());
        assertThat(lines).filteredOn(line -> line.startsWith("args=")).singleElement().asString()
                .matches("args=serve --hostname 127\\.0\\.0\\.1 --port \\d+");
        assertThat(lines).noneMatch(line -> line.startsWith("OPENCODE_SERVER_USERNAME=") || line.startsWith("XDG_")
                || line.contains("ottos-own-password"));
        assertThat(Files.readString(dir.resolve("logs/opencode.log"))).isEqualTo("earlier run\nappended\n");
        assertThat(dir.resolve("state")).isDirectory();
    }

    @Test
    void aServerThatNeverAnswersIsStoppedWithEveryProcessItStarted() throws Exception {
        Path pids = dir.resolve("pids.txt");
        Path executable = script("sleep 600 & echo $! > " + pids + "; echo $$ >> " + pids + "; wait");

        IOException e = failedStart(executable, System.getenv(), Credentials.generate(new SecureRandom()), Duration.ofSeconds(1));

        assertThat(e.getMessage()).matches("OpenCode did not answer on http://127\\.0\\.0\\.1:\\d+ within 1 s \\(last: refused\\); see "
                + java.util.regex.Pattern.quote(dir.resolve("logs/opencode.log").toString()));
        List<String> started = Files.readAllLines(pids);
        assertThat(started).hasSize(2);
        for (String pid : started) {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pid.strip()));
            Await.until("process " + pid + " is gone", () -> process.map(p -> !p.isAlive()).orElse(true));
        }
    }
}
