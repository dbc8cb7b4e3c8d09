package dev.otto.api.tools;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The SOP documents: Markdown files in one configured folder, read when asked for. A missing
 * SOP, an empty folder or a missing folder is never an error: it yields nothing and logs one
 * warning per missing name (or per folder problem).
 */
@ProviderType
public interface SopLibrary {

    /**
     * Returns the SOP folder.
     *
     * @return the folder; it may not exist
     */
    Path folder();

    /**
     * Lists the SOPs in the folder.
     *
     * @return their names, sorted; empty if the folder is missing or has no {@code *.md} file
     */
    List<String> names();

    /**
     * Reads one SOP.
     *
     * @param name its name, with or without {@code .md}
     * @return the SOP, or empty (with one warning for this name) if there is none
     * @throws IllegalArgumentException if the name is not valid ({@link Sop#requireValidName})
     */
    Optional<Sop> find(String name);

    /**
     * Reads the SOPs a job names; missing or invalid names are skipped with one warning each.
     *
     * @param names the names, in the job's order; repeats are read once
     * @return the SOPs found, in that order
     */
    List<Sop> resolve(List<String> names);

    /**
     * Returns a prompt with the text of the named SOPs added before it, as a job's prompt is
     * sent to the router; missing SOPs are skipped as in {@link #resolve}.
     *
     * @param prompt the job's prompt
     * @param names the SOPs the job names
     * @return the prompt itself when no SOP was found, else the SOP texts followed by the prompt
     */
    String applyTo(String prompt, List<String> names);
}
