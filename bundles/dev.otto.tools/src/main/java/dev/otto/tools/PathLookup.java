package dev.otto.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@code PATH}: its directories, and the first executable of a name in them. */
final class PathLookup {

    private final String value;
    private final List<Path> directories;

    PathLookup(String value) {
        this.value = value == null ? "" : value;
        List<Path> dirs = new ArrayList<>();
        for (String entry : this.value.split(File.pathSeparator)) {
            // an empty entry would mean the working folder: never a place to pick programs from
            if (entry.isBlank()) {
                continue;
            }
            try {
                Path dir = Path.of(entry);
                if (dir.isAbsolute() && !dirs.contains(dir)) {
                    dirs.add(dir);
                }
            } catch (InvalidPathException ignored) {
                // not a path on this system: nothing can be found there
            }
        }
        this.directories = List.copyOf(dirs);
    }

    /** The value handed to child processes: the directories that are searched, nothing else. */
    String value() {
        return String.join(File.pathSeparator, directories.stream().map(Path::toString).toList());
    }

    List<Path> directories() {
        return directories;
    }

    Optional<Path> find(String name) {
        requirePlainName(name);
        for (Path dir : directories) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String requirePlainName(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains(File.separator)
                || name.indexOf('\0') >= 0 || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid executable name " + (name == null ? "null" : "\"" + name + "\"")
                    + ": expected a plain name such as python3");
        }
        return name;
    }

    @Override
    public String toString() {
        return directories.isEmpty() ? "(empty PATH)" : value();
    }
}
