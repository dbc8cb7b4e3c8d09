package dev.otto.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.HookPhase;
import dev.otto.api.tools.HookResult;
import dev.otto.api.tools.HookRunner;
import dev.otto.api.tools.HookStatus;
import dev.otto.api.tools.ToolNotFoundException;
import dev.otto.api.tools.ToolResolver;

/**
 * The {@link HookRunner}: finds the hook's program through the {@link ToolResolver}, runs it
 * without a shell in a sanitized environment, kills its whole process tree at the timeout and
 * keeps only the first bytes of its output. Logs name the program, never its arguments or output.
 */
@Component(service = HookRunner.class, configurationPid = ToolsConfig.PID, immediate = true)
public final class ProcessHookRunner implements HookRunner {

    /** Variables every hook may see besides {@code PATH}: who and where it runs, and the locale. */
    static final List<String> BASE_VARIABLES = List.of("HOME", "USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "LC_ALL",
            "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME");
    private static final Pattern CALLER_VARIABLE = Pattern.compile("OTTO_[A-Z0-9_]+");
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ToolResolver tools;
    private final Map<String, String> environment;
    private final List<String> passed;
    private final Duration defaultTimeout;
    private final int maxOutputBytes;
    private final Path directory;
    private final Log log;

    @Activate
    public ProcessHookRunner(BundleContext context, @Reference ToolResolver tools, ToolsConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(tools, System.getenv(), Arrays.asList(config.hookEnvironment()),
                Durations.positive(config.hookTimeout(), "hookTimeout"), config.hookMaxOutputBytes(),
                config.hookDirectory().isBlank()
                        ? OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")))
                                .dataDir()
                        : Path.of(config.hookDirectory().strip()),
                Log.of(logger));
    }

    /**
     * Without OSGi (tests).
     *
     * @param environment the environment hooks are sanitized from (the process's own in the runtime)
     * @param passed further variable names the administrator allows, keys included
     */
    ProcessHookRunner(ToolResolver tools, Map<String, String> environment, List<String> passed, Duration defaultTimeout,
            int maxOutputBytes, Path directory, Log log) {
        if (maxOutputBytes < 1) {
            throw new IllegalArgumentException(ToolsConfig.PID + " hookMaxOutputBytes is " + maxOutputBytes
                    + ": expected 1 or more");
        }
        for (String name : passed) {
            if (name == null || !VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(ToolsConfig.PID + " hookEnvironment has \"" + name
                        + "\": expected environment variable names such as GITHUB_TOKEN");
            }
        }
        this.tools = tools;
        this.environment = Map.copyOf(environment);
        this.passed = List.copyOf(passed);
        this.defaultTimeout = defaultTimeout;
        this.maxOutputBytes = maxOutputBytes;
        this.directory = directory;
        this.log = log;
    }

    @Override
    public HookResult run(HookPhase phase, HookCommand command, Map<String, String> variables) {
        for (Map.Entry<String, String> v : variables.entrySet()) {
            if (!CALLER_VARIABLE.matcher(v.getKey()).matches() || v.getValue() == null || v.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("hook variable \"" + v.getKey()
                        + "\" is not allowed: expected a name matching OTTO_[A-Z0-9_]+ and a value without NUL");
            }
        }
        String program = command.program();
        String label = phase.label() + " hook " + program;
        Duration timeout = command.timeout() == null ? defaultTimeout : command.timeout();
        Path executable;
        try {
            executable = executable(program);
        } catch (ToolNotFoundException e) {
            return finish(phase, program, HookStatus.NOT_FOUND, null, new ProcessRun.Capture(0), Duration.ZERO,
                    label + " was not found: " + e.getMessage());
        }
        List<String> argv = new ArrayList<>(command.argv());
        argv.set(0, executable.toString());
        ProcessRun.Capture output = new ProcessRun.Capture(maxOutputBytes);
        Path workDir = Files.isDirectory(directory) ? directory : null;
        try {
            ProcessRun.Outcome outcome = ProcessRun.run(argv, environment(phase, variables), workDir, timeout, true,
                    output, 0);
            if (outcome.timedOut()) {
                return finish(phase, program, HookStatus.TIMED_OUT, null, output, outcome.elapsed(),
                        label + " timed out after " + timeout + " and was killed");
            }
            Integer exit = outcome.exitCode();
            if (exit == null) {
                return finish(phase, program, HookStatus.ERROR, null, output, outcome.elapsed(),
                        label + " did not exit by itself");
            }
            return exit == 0
                    ? finish(phase, program, HookStatus.OK, 0, output, outcome.elapsed(), label + " succeeded")
                    : finish(phase, program, HookStatus.FAILED, exit, output, outcome.elapsed(),
                            label + " exited with status " + exit);
        } catch (IOException e) {
            return finish(phase, program, HookStatus.ERROR, null, output, Duration.ZERO,
                    label + " could not start (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(phase, program, HookStatus.ERROR, null, output, Duration.ZERO,
                    label + " was interrupted and killed");
        }
    }

    /**
     * The hook's whole environment: {@code PATH} (the resolver's), the base variables, the names the
     * administrator listed, {@code OTTO_HOOK_PHASE} and the caller's {@code OTTO_*} variables.
     */
    Map<String, String> environment(HookPhase phase, Map<String, String> variables) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", String.join(java.io.File.pathSeparator, tools.path().stream().map(Path::toString).toList()));
        for (String name : BASE_VARIABLES) {
            Optional.ofNullable(environment.get(name)).ifPresent(value -> env.put(name, value));
        }
        for (String name : passed) {
            Optional.ofNullable(environment.get(name)).ifPresent(value -> env.put(name, value));
        }
        env.putAll(variables);
        env.put("OTTO_HOOK_PHASE", phase.wireName());
        return env;
    }

    /** {@code python}/{@code python3}: the resolver's Python 3; a plain name: on PATH; else a path. */
    private Path executable(String program) {
        if (program.equals(PortableTools.PYTHON3) || program.equals(PortableTools.PYTHON)) {
            return tools.python();
        }
        if (!program.contains("/")) {
            return tools.find(program).orElseThrow(() -> new ToolNotFoundException(List.of(program),
                    "no executable " + program + " on PATH " + tools.path()));
        }
        Path path = Path.of(program);
        if (!path.isAbsolute()) {
            path = directory.resolve(path);
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new ToolNotFoundException(List.of(program), path + " is not an executable file");
        }
        return path;
    }

    private HookResult finish(HookPhase phase, String program, HookStatus status, Integer exit,
            ProcessRun.Capture output, Duration elapsed, String reason) {
        HookResult result = new HookResult(phase, program, status, exit, output.text(), output.total(),
                output.truncated(), elapsed, reason);
        String line = reason + " (" + elapsed.toMillis() + " ms, " + output.total() + " bytes of output"
                + (output.truncated() ? ", kept " + maxOutputBytes : "") + ")";
        if (result.succeeded()) {
            log.info(line);
        } else {
            log.warn(line);
        }
        return result;
    }
}
