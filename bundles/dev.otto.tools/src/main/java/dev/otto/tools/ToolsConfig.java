package dev.otto.tools;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@value #PID} configuration, shared by the tool resolver, the SOP library and the hook
 * runner; an administrator sets it with {@code deploy/dev.otto.tools.cfg}.
 */
@ObjectClassDefinition(id = ToolsConfig.PID, name = "Otto tools",
        description = "Tool lookup, SOP folder and job hooks")
public @interface ToolsConfig {

    /** The configuration PID. */
    String PID = "dev.otto.tools";

    /** @return the PATH to search, or empty for the process's own PATH */
    @AttributeDefinition(description = "Directories searched for tools, separated by ':'; empty: the process's PATH")
    String path() default "";

    /** @return limit for one search, ISO-8601 */
    @AttributeDefinition(description = "Limit for one text search, ISO-8601 (PT60S)")
    String searchTimeout() default "PT60S";

    /** @return most hits one search returns */
    @AttributeDefinition(description = "Most hits one search returns; more are cut", min = "1")
    int searchMaxHits() default 10_000;

    /** @return the SOP folder, or empty for the default */
    @AttributeDefinition(description = "Folder of the SOP Markdown files; empty: <otto.home>/sop, "
            + "or <data>/sop without otto.home")
    String sopFolder() default "";

    /** @return the SOPs the runtime references; each is checked at start */
    @AttributeDefinition(description = "SOPs the configuration references; a missing one is one warning")
    String[] sops() default {"python-env", "portable-search"};

    /** @return largest SOP file read, in bytes */
    @AttributeDefinition(description = "Largest SOP file read, in bytes; a larger one is skipped with a warning", min = "1")
    int sopMaxBytes() default 262_144;

    /** @return default hook timeout, ISO-8601 */
    @AttributeDefinition(description = "How long a hook may run unless it says otherwise, ISO-8601 (PT60S)")
    String hookTimeout() default "PT60S";

    /** @return most hook output kept, in bytes */
    @AttributeDefinition(description = "Most hook output (stdout and stderr) kept, in bytes; the rest is counted", min = "1")
    int hookMaxOutputBytes() default 65_536;

    /** @return extra environment variables handed to hooks */
    @AttributeDefinition(description = "Names of further environment variables hooks receive, keys included "
            + "only if named here")
    String[] hookEnvironment() default {};

    /** @return the hooks' working folder, or empty for the data folder */
    @AttributeDefinition(description = "Working folder of hooks; empty: the data folder")
    String hookDirectory() default "";
}
