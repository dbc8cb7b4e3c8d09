package dev.otto.tools;

import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import dev.otto.api.runtime.OttoPaths;
import dev.otto.api.tools.Sop;
import dev.otto.api.tools.SopLibrary;

/**
 * The {@link SopLibrary}: {@code <name>.md} files in one folder, read on each request so that an
 * added or edited SOP is used at once. Nothing here fails on a missing SOP: a missing name, an
 * empty folder and a missing folder each log one warning, again only after the problem went away
 * and came back.
 */
@Component(service = SopLibrary.class, configurationPid = ToolsConfig.PID, immediate = true)
public final class SopFolder implements SopLibrary {

    static final String SUFFIX = ".md";

    private final Path folder;
    private final int maxBytes;
    private final Log log;
    /** The problems already warned about: "folder-missing", "folder-empty", "missing:<name>", ... */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Activate
    public SopFolder(BundleContext context, ToolsConfig config,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this(folder(config.sopFolder(), context.getProperty("otto.home"),
                OttoPaths.resolve(System::getenv, context::getProperty, Path.of(System.getProperty("user.home")))),
                config.sopMaxBytes(), Log.of(logger));
        checkReferenced(Arrays.asList(config.sops()));
    }

    /** Without OSGi (tests). */
    SopFolder(Path folder, int maxBytes, Log log) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException(ToolsConfig.PID + " sopMaxBytes is " + maxBytes + ": expected 1 or more");
        }
        this.folder = folder.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.log = log;
    }

    /** The configured folder, else {@code <otto.home>/sop}, else {@code <data>/sop} (no distribution around it). */
    static Path folder(String configured, String ottoHome, OttoPaths paths) {
        if (configured != null && !configured.isBlank()) {
            String value = configured.strip();
            if (value.startsWith("~/")) {
                return Path.of(System.getProperty("user.home")).resolve(value.substring(2));
            }
            return Path.of(value);
        }
        if (ottoHome != null && !ottoHome.isBlank()) {
            return Path.of(ottoHome).resolve("sop");
        }
        return paths.dataDir().resolve("sop");
    }

    /**
     * Checks that the SOPs the configuration references exist, warning once per missing one.
     *
     * @return the referenced names that are missing
     */
    List<String> checkReferenced(List<String> names) {
        List<String> missing = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (Sop sop : resolve(names)) {
            present.add(sop.name());
        }
        for (String name : new LinkedHashSet<>(names)) {
            String plain = strip(name);
            if (!present.contains(plain)) {
                missing.add(plain);
            }
        }
        if (missing.isEmpty()) {
            log.info("SOP folder " + folder + ": " + names().size() + " SOPs, every referenced one present ("
                    + String.join(", ", names) + ")");
        }
        return missing;
    }

    @Override
    public Path folder() {
        return folder;
    }

    @Override
    public List<String> names() {
        if (!Files.isDirectory(folder)) {
            warnOnce("folder-missing", "SOP folder " + folder + " does not exist: no SOP is available; create it "
                    + "or set sopFolder in " + ToolsConfig.PID);
            return List.of();
        }
        warned.remove("folder-missing");
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - SUFFIX.length());
                if (Files.isRegularFile(file) && valid(name)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            warnOnce("folder-unreadable", "SOP folder " + folder + " cannot be read (" + e.getClass().getSimpleName()
                    + "): no SOP is available");
            return List.of();
        }
        warned.remove("folder-unreadable");
        if (names.isEmpty()) {
            warnOnce("folder-empty", "SOP folder " + folder + " has no *.md file: no SOP is available");
        } else {
            warned.remove("folder-empty");
        }
        names.sort(null);
        return List.copyOf(names);
    }

    @Override
    public Optional<Sop> find(String name) {
        String plain = Sop.requireValidName(strip(name));
        if (!Files.isDirectory(folder)) {
            names(); // the folder's own warning, once
            warnOnce("missing:" + plain, "SOP \"" + plain + "\" is not available (no folder " + folder
                    + "); continuing without it");
            return Optional.empty();
        }
        Path file = folder.resolve(plain + SUFFIX);
        if (!Files.isRegularFile(file)) {
            warnOnce("missing:" + plain, "SOP \"" + plain + "\" not found: no file " + file + "; continuing without it");
            return Optional.empty();
        }
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                warnOnce("too-large:" + plain, "SOP \"" + plain + "\" is skipped: " + file + " has " + size
                        + " bytes, more than sopMaxBytes " + maxBytes);
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, maxBytes))).toString();
            warned.remove("missing:" + plain);
            warned.remove("too-large:" + plain);
            warned.remove("unreadable:" + plain);
            return Optional.of(new Sop(plain, file, text));
        } catch (IOException e) {
            warnOnce("unreadable:" + plain, "SOP \"" + plain + "\" cannot be read from " + file + " ("
                    + e.getClass().getSimpleName() + "); continuing without it");
            return Optional.empty();
        }
    }

    @Override
    public List<Sop> resolve(List<String> names) {
        List<Sop> sops = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            String plain = strip(name);
            if (!valid(plain)) {
                warnOnce("invalid:" + plain, "SOP name \"" + plain + "\" is not valid (letters, digits, '.', '_', '-'); "
                        + "continuing without it");
                continue;
            }
            find(plain).ifPresent(sop -> {
                if (sops.stream().noneMatch(s -> s.name().equals(sop.name()))) {
                    sops.add(sop);
                }
            });
        }
        return List.copyOf(sops);
    }

    @Override
    public String applyTo(String prompt, List<String> names) {
        List<Sop> sops = resolve(names);
        if (sops.isEmpty()) {
            return prompt;
        }
        StringBuilder out = new StringBuilder("Follow these standard operating procedures (SOPs).\n\n");
        for (Sop sop : sops) {
            out.append("<!-- SOP: ").append(sop.name()).append(" -->\n").append(sop.text().strip()).append("\n\n");
        }
        return out.append("---\n\n").append(prompt).toString();
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            log.warn(message);
        }
    }

    private static String strip(String name) {
        return name != null && name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }

    private static boolean valid(String name) {
        try {
            Sop.requireValidName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
