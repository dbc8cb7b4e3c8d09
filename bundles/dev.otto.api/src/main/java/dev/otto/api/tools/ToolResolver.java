package dev.otto.api.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds executables on {@code PATH}: once at start and again on {@link #refresh()}. Python is
 * {@code python3}; {@code python} is accepted only when it reports Python 3. Text search uses
 * {@code rg} when it exists, else {@code grep}, with the same normalized results. Every process is
 * started with an argument list, never through a shell.
 */
@ProviderType
public interface ToolResolver {

    /**
     * Returns the result of the last lookup: {@code python3}, {@code rg} and {@code grep}.
     *
     * @return one status per tool, in that order
     */
    List<ToolStatus> tools();

    /**
     * Looks every tool up again, e.g. after one was installed.
     *
     * @return the new statuses, as {@link #tools()} will return them
     */
    List<ToolStatus> refresh();

    /**
     * Returns the directories searched, in order.
     *
     * @return the {@code PATH} entries
     */
    List<Path> path();

    /**
     * Finds an executable by name on {@code PATH}, looking now.
     *
     * @param name a plain executable name, without {@code /}
     * @return its path, or empty if no directory has it
     * @throws IllegalArgumentException if the name is blank or contains {@code /}
     */
    Optional<Path> find(String name);

    /**
     * Returns the Python 3 interpreter of the last lookup.
     *
     * @return its path
     * @throws ToolNotFoundException if neither {@code python3} nor a {@code python} reporting
     *     Python 3 was found; the message names both and the {@code PATH}
     */
    Path python();

    /**
     * Returns the search backend of the last lookup.
     *
     * @return {@link SearchBackend#RG} when {@code rg} was found, else {@link SearchBackend#GREP}
     * @throws ToolNotFoundException if neither was found
     */
    SearchBackend searchBackend();

    /**
     * Searches a folder tree for lines matching an extended regular expression, skipping
     * {@code node_modules} folders, {@code *.lock} files and binary files.
     *
     * @param pattern the pattern (POSIX extended syntax; keep to what both backends share)
     * @param root the folder to search
     * @return the hits, ordered by file and line
     * @throws ToolNotFoundException if neither {@code rg} nor {@code grep} was found
     * @throws ToolException if the search failed (invalid pattern, timeout, unreadable folder)
     */
    SearchResult search(String pattern, Path root);
}
