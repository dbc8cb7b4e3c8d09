package dev.otto.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import dev.otto.api.tools.SearchBackend;
import dev.otto.api.tools.SearchResult;
import dev.otto.api.tools.ToolException;
import dev.otto.api.tools.ToolNotFoundException;
import dev.otto.api.tools.ToolResolver;
import dev.otto.api.tools.ToolStatus;

/**
 * The {@link ToolResolver}: looks {@code python3}, {@code rg} and {@code grep} up on {@code PATH}
 * at start and on {@link #refresh()}, and searches with whichever backend it found.
 */
@Component(service = ToolResolver.class, configurationPid = ToolsConfig.PID, immediate = true)
@Designate(ocd = ToolsConfig.class)
public final class PortableTools implements ToolResolver {

    static final String PYTHON3 = "python3";
    static final String PYTHON = "python";
    static final String RG = "rg";
    static final String GREP = "grep";

    /** Limit for a {@code --version} answer: a hung interpreter must not hold up activation. */
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern PYTHON_VERSION = Pattern.compile("Python (\\d+)\\.(\\d+)");
    /** Locale variables handed to the programs this bundle starts, so that they read text as the user does. */
    static final List<String> LOCALE = List.of("LANG", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES");

    private final PathLookup path;
    private final Map<String, String> environment;
    private final Duration searchTimeout;
    private final int searchMaxHits;
    private final Log log;
    private volatile Lookup lookup;

    /** The tools one lookup found. */
    private record Lookup(ToolStatus python, ToolStatus rg, ToolStatus grep) {
        List<ToolStatus> all() {
            return List.of(python, rg, grep);
        }
    }

    @Activate
    public PortableTools(ToolsConfig config, @Reference(service = LoggerFactory.class) Logger logger) {
        this(config.path().isBlank() ? System.getenv("PATH") : config.path(), System.getenv(),
                Durations.positive(config.searchTimeout(), "searchTimeout"), config.searchMaxHits(), Log.of(logger));
    }

    /**
     * Without OSGi (tests).
     *
     * @param path the {@code PATH} to search
     * @param environment where the locale variables come from
     */
    PortableTools(String path, Map<String, String> environment, Duration searchTimeout, int searchMaxHits, Log log) {
        if (searchMaxHits < 1) {
            throw new IllegalArgumentException(ToolsConfig.PID + " searchMaxHits is " + searchMaxHits
                    + ": expected 1 or more");
        }
        this.path = new PathLookup(path);
        this.environment = Map.copyOf(environment);
        this.searchTimeout = searchTimeout;
        this.searchMaxHits = searchMaxHits;
        this.log = log;
        refresh();
    }

    @Override
    public List<ToolStatus> tools() {
        return lookup.all();
    }

    @Override
    public synchronized List<ToolStatus> refresh() {
        Lookup fresh = new Lookup(lookUpPython(), lookUp(RG, "text search uses grep -RIn instead"),
                lookUp(GREP, "rg is used for text search; without rg too, text search is unavailable"));
        Lookup previous = lookup;
        lookup = fresh;
        if (previous == null || !previous.equals(fresh)) {
            report(fresh);
        }
        return fresh.all();
    }

    @Override
    public List<Path> path() {
        return path.directories();
    }

    @Override
    public Optional<Path> find(String name) {
        return path.find(name);
    }

    @Override
    public Path python() {
        ToolStatus python = lookup.python();
        if (!python.found()) {
            throw new ToolNotFoundException(python.candidates(), "no Python 3 interpreter: " + python.note());
        }
        return python.path();
    }

    @Override
    public SearchBackend searchBackend() {
        Lookup current = lookup;
        if (current.rg().found()) {
            return SearchBackend.RG;
        }
        if (current.grep().found()) {
            return SearchBackend.GREP;
        }
        throw new ToolNotFoundException(List.of(RG, GREP), "no text search tool: neither rg nor grep is on PATH "
                + path + "; install grep (or ripgrep) or set path in " + ToolsConfig.PID);
    }

    /**
     * The environment of every program this bundle starts for itself: the searched {@code PATH}
     * and the locale, nothing else (no keys, no tool configuration such as {@code RIPGREP_CONFIG_PATH}).
     */
    Map<String, String> baseEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", path.value());
        for (String name : LOCALE) {
            String value = environment.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    @Override
    public SearchResult search(String pattern, Path root) {
        if (pattern == null || pattern.isEmpty() || pattern.indexOf('\0') >= 0 || pattern.indexOf('\n') >= 0
                || pattern.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("invalid search pattern: expected one non-empty line");
        }
        Path folder = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new ToolException("cannot search " + folder + ": it is not a folder");
        }
        SearchBackend backend = searchBackend();
        Lookup current = lookup;
        List<String> argv = backend == SearchBackend.RG
                ? rgCommand(current.rg().path(), pattern, folder)
                : grepCommand(current.grep().path(), pattern, folder);
        HitParser parser = new HitParser(folder, searchMaxHits);
        ProcessRun.Outcome outcome;
        try {
            outcome = ProcessRun.run(argv, baseEnvironment(), folder, searchTimeout, false, parser, 4096);
        } catch (IOException e) {
            throw new ToolException(backend.wireName() + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("search of " + folder + " was interrupted");
        }
        if (outcome.timedOut()) {
            throw new ToolException("search of " + folder + " with " + backend.wireName() + " timed out after "
                    + searchTimeout + "; search a smaller folder or raise searchTimeout in " + ToolsConfig.PID);
        }
        if (!parser.truncated() && outcome.exitCode() != null && outcome.exitCode() > 1 && parser.hits().isEmpty()) {
            String detail = outcome.stderr().lines().filter(l -> !l.isBlank()).findFirst().orElse("no message");
            throw new ToolException(backend.wireName() + " failed with status " + outcome.exitCode() + ": " + detail);
        }
        return new SearchResult(backend, parser.hits(), parser.truncated());
    }

    /** Ripgrep made to see what {@code grep -RI} sees: hidden and ignored files, symlinks followed. */
    static List<String> rgCommand(Path rg, String pattern, Path root) {
        return List.of(rg.toString(), "-n", "--null", "--no-heading", "--with-filename", "--color=never",
                "--no-config", "--hidden", "--no-ignore", "--follow", "--glob=!node_modules/", "--glob=!*.lock",
                "-e", pattern, "--", root.toString());
    }

    /** The portable fallback, exactly as the SOPs write it, plus {@code --null} to parse file names safely. */
    static List<String> grepCommand(Path grep, String pattern, Path root) {
        return List.of(grep.toString(), "-RIn", "--null", "--color=never", "--exclude-dir=node_modules",
                "--exclude=*.lock", "-E", "-e", pattern, "--", root.toString());
    }

    private ToolStatus lookUpPython() {
        List<String> candidates = List.of(PYTHON3, PYTHON);
        List<String> notes = new ArrayList<>();
        for (String name : candidates) {
            Optional<Path> found = path.find(name);
            if (found.isEmpty()) {
                notes.add(name + " not found");
                continue;
            }
            String version = version(found.get(), "--version");
            Matcher m = version == null ? null : PYTHON_VERSION.matcher(version);
            if (m != null && m.find() && m.group(1).equals("3")) {
                return new ToolStatus(PYTHON3, candidates, found.get(), version, String.join("; ", notes));
            }
            notes.add(name + " at " + found.get() + (version == null
                    ? " did not report a version"
                    : " reports \"" + version + "\", not Python 3"));
        }
        return new ToolStatus(PYTHON3, candidates, null, null, "looked for python3, then python reporting Python 3, on PATH "
                + path + " (" + String.join("; ", notes) + "); install Python 3 or set path in " + ToolsConfig.PID);
    }

    private ToolStatus lookUp(String name, String whenMissing) {
        Optional<Path> found = path.find(name);
        if (found.isEmpty()) {
            return new ToolStatus(name, List.of(name), null, null, "not found on PATH: " + whenMissing);
        }
        return new ToolStatus(name, List.of(name), found.get(), version(found.get(), "--version"), "");
    }

    /** The first non-blank line of {@code <program> --version} (stdout or stderr: Python 2 writes to stderr). */
    private String version(Path program, String flag) {
        ProcessRun.Capture capture = new ProcessRun.Capture(4096);
        try {
            ProcessRun.Outcome outcome = ProcessRun.run(List.of(program.toString(), flag), baseEnvironment(), null,
                    VERSION_TIMEOUT, true, capture, 0);
            if (outcome.exitCode() == null || outcome.exitCode() != 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return capture.text().lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(null);
    }

    private void report(Lookup found) {
        StringBuilder line = new StringBuilder("tools on PATH ").append(path).append(':');
        for (ToolStatus tool : found.all()) {
            line.append(' ').append(tool.name()).append(tool.found() ? " at " + tool.path() : " missing").append(';');
        }
        String backend = found.rg().found() ? "rg" : found.grep().found() ? "grep" : "none";
        log.info(line.append(" search backend ").append(backend).toString());
        if (!found.python().found()) {
            log.warn("no Python 3 interpreter: " + found.python().note());
        }
        if (!found.rg().found() && !found.grep().found()) {
            log.warn("neither rg nor grep is on PATH " + path + ": text search is unavailable");
        }
    }
}
