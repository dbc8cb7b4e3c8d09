package dev.otto.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees and what other users of the machine can read, with the real {@code bin/otto}
 * started under a umask of 022 (the usual default): arguments a command does not take, text that
 * would drive a terminal, the permissions of everything under the data folder, and a file in
 * {@code deploy/} that is not a bundle.
 */
class ReliabilityOperatorIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ESC = "\u001b";
    private static final String RLO = "\u202e";
    private static final Pattern ADDED = Pattern.compile("Added job (\\d+)");

    private static FaultProvider provider;
    private static OpenCodeServer openCode;
    private static OttoProcess otto;
    /** {@code bin/otto run 'otto:status --foo'} while no Otto ran: the launcher's own session. */
    private static OttoProcess.Outcome oneShot;

    @BeforeAll
    static void startOtto() throws IOException {
        provider = FaultProvider.start();
        openCode = OpenCodeServer.start(
                "\"model\": \"stub/echo\", \"provider\": {" + provider.opencodeProvider("stub") + "}");
        otto = OttoProcess.freshCopy(openCode.url());
        Files.writeString(otto.configFile(), OttoContainer.configFor(openCode.url(),
                "\"flowDefaults\": {\"scheduledTasks\": \"stub/echo\"}"));
        // a configuration FileInstall hands Config Admin, which keeps a copy in the framework storage
        Files.writeString(otto.home.resolve("deploy/dev.otto.itest.operator.cfg"), "secret.prompt=do not show others\n");
        Files.writeString(otto.home.resolve("deploy/README.txt"), "plugins go here\n");
        Files.writeString(otto.home.resolve("deploy/notes" + ESC + "[31m" + RLO + ".txt"), "\n");
        oneShot = run("run", "otto:status --foo");
        OttoProcess.Outcome start = run("start");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.stdout()).as(start.toString()).contains("otto: Ready in");
    }

    @AfterAll
    static void stopOtto() {
        if (otto != null) {
            otto.stopAll();
        }
        if (openCode != null) {
            openCode.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    /** {@code bin/otto args...} started from a shell whose umask is 022, as on most machines. */
    private static OttoProcess.Outcome run(String... args) {
        try {
            Path out = Files.createTempFile(otto.root, "stdout", ".txt");
            Path err = Files.createTempFile(otto.root, "stderr", ".txt");
            ProcessBuilder builder = otto.builder(args);
            List<String> command = new ArrayList<>(List.of("bash", "-c", "umask 022 && exec \"$0\" \"$@\""));
            command.addAll(builder.command());
            Process process = builder.command(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bin/otto " + List.of(args) + " did not finish within 120 s");
            }
            return new OttoProcess.Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertOneLineSayingWhatItTakes(OttoProcess.Outcome outcome, String command, String takes) {
        assertThat(outcome.exitCode()).as(outcome.toString()).isEqualTo(1);
        List<String> failures = outcome.stderr().lines().filter(line -> !line.startsWith("otto: Ready")).toList();
        assertThat(failures).as(outcome.toString()).containsExactly(
                "otto: '" + command + "' failed: " + takes + "; see: help " + command.split(" ")[0]);
        assertThat(outcome.stdout() + outcome.stderr()).as(outcome.toString())
                .doesNotContain("Cannot coerce", "argument type mismatch", "Exception", "at dev.", "at org.");
    }

    @Test
    void argumentsACommandDoesNotTakeGetOneLineSayingWhatItTakes() {
        assertOneLineSayingWhatItTakes(oneShot, "otto:status --foo", "otto:status takes [--json]");
        assertOneLineSayingWhatItTakes(run("run", "otto:status --foo"), "otto:status --foo", "otto:status takes [--json]");
        assertOneLineSayingWhatItTakes(run("run", "otto:await -t soon"), "otto:await -t soon",
                "otto:await takes [-t|--timeout <number>] [-s|--settle <number>] [--json]");
        OttoProcess.Outcome missing = run("run", "otto:job-run");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        assertThat(missing.stderr().lines().toList()).as(missing.toString()).hasSize(1);
        assertThat(missing.stderr()).as(missing.toString()).startsWith("otto: 'otto:job-run' failed: otto:job-run takes ")
                .contains("; see: help otto:jobrun").doesNotContain("Cannot coerce", "Exception", "at dev.");
    }

    @Test
    void escapeSequencesAndBidiControlsAnOperatorWroteAreShownAndLoggedAsTextNeverObeyed() throws IOException {
        String prompt = "say hi" + ESC + "[2J" + ESC + "]0;owned" + "\u0007 " + RLO + "txt.exe";
        OttoProcess.Outcome added = run("run",
                "otto:job-add --name evil --flow scheduledTasks --schedule '0 3 * * *' --prompt '" + prompt + "'");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        Matcher id = ADDED.matcher(added.stdout());
        assertThat(id.find()).as(added.toString()).isTrue();
        OttoProcess.Outcome shown = run("run", "otto:job " + id.group(1));
        OttoProcess.Outcome ran = run("run", "otto:job-run " + id.group(1));
        OttoProcess.Outcome failed = run("run", "otto:job-run 'no" + ESC + "[31m" + RLO + "such'");
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.stdout()).as(shown.toString()).contains("\\u001b[2J");
        for (OttoProcess.Outcome outcome : List.of(added, shown, ran, failed)) {
            assertThat(outcome.stdout() + outcome.stderr()).as(outcome.toString()).doesNotContain(ESC, RLO, "\u0007");
        }
        Path log = otto.dataDir.resolve("logs/otto.log");
        Eventually.awaitTrue("the log names the file in deploy/ that is not a bundle", WAIT,
                () -> read(log).contains("deploy/notes\\u001b[31m\\u202e.txt is not a bundle: ignored"));
        assertThat(read(log)).doesNotContain(ESC, RLO, "\u0007");
    }

    @Test
    void aFileInDeployThatIsNotABundleIsReportedAndABrokenJarMakesOttoNotReady() throws IOException {
        Path log = otto.dataDir.resolve("logs/otto.log");
        Eventually.awaitTrue("the log says deploy/README.txt is ignored", WAIT,
                () -> read(log).contains("deploy/README.txt is not a bundle: ignored"));
        OttoProcess.Outcome ready = run("run", "otto:status");
        assertThat(ready.exitCode()).as(ready.toString()).isZero();
        assertThat(ready.stdout()).as(ready.toString()).containsPattern("deploy/README\\.txt +is not a bundle: ignored")
                .contains("Ready:");

        Path broken = otto.home.resolve("deploy/plugin.jar");
        Files.writeString(broken, "not a zip");
        try {
            Eventually.awaitTrue("the log warns that deploy/plugin.jar is not a bundle", WAIT,
                    () -> read(log).contains("deploy/plugin.jar is not a bundle (not a readable jar): ignored"));
            OttoProcess.Outcome status = run("run", "otto:status");
            assertThat(status.stdout()).as(status.toString()).contains("NOT READY",
                    "  - deploy/plugin.jar is not a bundle (not a readable jar): ignored; replace it with the plugin's bundle jar or remove it");
        } finally {
            Files.delete(broken);
        }
    }

    @Test
    void everythingUnderTheDataFolderIsTheOwnersAloneThoughTheUmaskWas022() throws IOException {
        OttoProcess.Outcome added = run("run",
                "otto:job-add --name watchdog --flow scheduledTasks --schedule '0 4 * * *' --prompt 'a watchdog prompt'");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        Matcher id = ADDED.matcher(added.stdout());
        assertThat(id.find()).as(added.toString()).isTrue();
        assertThat(run("run", "otto:job-run " + id.group(1)).exitCode()).isZero();

        List<String> offenders = new ArrayList<>();
        List<Path> configurations = new ArrayList<>();
        Files.walkFileTree(otto.dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                check(dir, "rwx------");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!attributes.isSymbolicLink()) {
                    check(file, "rw-------");
                }
                if (file.toString().contains("felix-cache") && file.getFileName().toString().endsWith(".config")) {
                    configurations.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            private void check(Path path, String expected) throws IOException {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                if (!mode.equals(expected)) {
                    offenders.add(mode + " " + otto.dataDir.relativize(path));
                }
            }
        });
        assertThat(configurations).as("Config Admin's copies in the framework storage were walked").isNotEmpty();
        assertThat(offenders).as("folders must be rwx------ and files rw------- under " + otto.dataDir).isEmpty();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
