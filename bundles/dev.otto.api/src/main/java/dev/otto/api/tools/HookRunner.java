package dev.otto.api.tools;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs job hooks: the program is found through the {@link ToolResolver}, started without a shell,
 * with a timeout (the whole process tree is killed when it runs out), a sanitized environment
 * (only {@code PATH}, locale, home and user variables and the names the administrator configured;
 * never a variable holding a key unless configured) and output captured up to a limit. It never
 * throws for anything the hook does: every ending is a {@link HookResult}.
 */
@ProviderType
public interface HookRunner {

    /**
     * Runs one hook and waits for it, at most its timeout plus a short grace period.
     *
     * @param phase when it runs; given to the hook as {@code OTTO_HOOK_PHASE}
     * @param command the hook
     * @param variables extra environment variables for the hook, e.g. {@code OTTO_JOB_ID}; names
     *     must match {@code OTTO_[A-Z0-9_]+}
     * @return how it ran
     * @throws IllegalArgumentException if a variable name does not start with {@code OTTO_}
     */
    HookResult run(HookPhase phase, HookCommand command, Map<String, String> variables);
}
