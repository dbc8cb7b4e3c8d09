package dev.otto.api.job;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import dev.otto.api.tools.Sop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fields of a job that a caller sets, for {@link JobRepository#create} and
 * {@link JobRepository#update}. {@code toString()} redacts the prompt.
 *
 * @param name a short human name; non-blank
 * @param flow the flow its runs belong to
 * @param schedule when it runs, in the scheduler's syntax; non-blank (the scheduler validates the
 *     syntax)
 * @param prompt what it asks the model; non-blank; never logged
 * @param enabled whether the scheduler runs it
 * @param modelRef the job's own model, or null to use the defaults
 * @param sops the SOPs whose text is added before the prompt, in order ({@link Sop#requireValidName
 *     valid names}, no repeats); empty for none; copied. A named SOP that does not exist when the job
 *     runs is skipped with a warning, never an error
 * @param preRunHook a command run before each run, or null; when it fails the run is skipped and
 *     recorded as {@link JobRunOutcome#SKIPPED} with the reason
 * @param postRunHook a command run after each run that was not skipped, whatever its outcome, or null
 * @since 1.2
 */
public record JobDraft(String name, Flow flow, String schedule, String prompt, boolean enabled, ModelRef modelRef,
        List<String> sops, HookCommand preRunHook, HookCommand postRunHook) {

    /** Validates the fields. */
    public JobDraft {
        requireNonBlank(name, "name");
        Objects.requireNonNull(flow, "flow must not be null");
        requireNonBlank(schedule, "schedule");
        requireNonBlank(prompt, "prompt");
        sops = requireSops(sops);
    }

    /**
     * A draft with no SOPs and no hooks (the fields of version 1.1).
     *
     * @param name a short human name; non-blank
     * @param flow the flow its runs belong to
     * @param schedule when it runs; non-blank
     * @param prompt what it asks the model; non-blank
     * @param enabled whether the scheduler runs it
     * @param modelRef the job's own model, or null to use the defaults
     */
    public JobDraft(String name, Flow flow, String schedule, String prompt, boolean enabled, ModelRef modelRef) {
        this(name, flow, schedule, prompt, enabled, modelRef, List.of(), null, null);
    }

    /**
     * Returns a copy with another model.
     *
     * @param newModelRef the model, or null to use the defaults
     * @return the copy
     */
    public JobDraft withModelRef(ModelRef newModelRef) {
        return new JobDraft(name, flow, schedule, prompt, enabled, newModelRef, sops, preRunHook, postRunHook);
    }

    /**
     * Returns a copy that names other SOPs.
     *
     * @param newSops the SOP names, in order; empty for none
     * @return the copy
     * @since 1.2
     */
    public JobDraft withSops(List<String> newSops) {
        return new JobDraft(name, flow, schedule, prompt, enabled, modelRef, newSops, preRunHook, postRunHook);
    }

    /**
     * Returns a copy with other hooks.
     *
     * @param newPreRunHook the pre-run command, or null for none
     * @param newPostRunHook the post-run command, or null for none
     * @return the copy
     * @since 1.2
     */
    public JobDraft withHooks(HookCommand newPreRunHook, HookCommand newPostRunHook) {
        return new JobDraft(name, flow, schedule, prompt, enabled, modelRef, sops, newPreRunHook, newPostRunHook);
    }

    /** Redacts the prompt: prompts are user content and never appear in logs. */
    @Override
    public String toString() {
        return "JobDraft[name=" + name + ", flow=" + flow.wireName() + ", schedule=" + schedule
                + ", prompt=<redacted " + prompt.length() + " chars>, enabled=" + enabled + ", modelRef="
                + modelRef + ", sops=" + sops + ", preRunHook=" + preRunHook + ", postRunHook=" + postRunHook + "]";
    }

    /** Checks a job's SOP names: valid, no repeats; returns an unmodifiable copy. */
    static List<String> requireSops(List<String> sops) {
        Objects.requireNonNull(sops, "sops must not be null: use an empty list for none");
        List<String> checked = new ArrayList<>(sops.size());
        for (String sop : sops) {
            Sop.requireValidName(sop);
            if (checked.contains(sop)) {
                throw new IllegalArgumentException("SOP " + sop + " is named twice: name each SOP once");
            }
            checked.add(sop);
        }
        return List.copyOf(checked);
    }

    static void requireNonBlank(String value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " must not be null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
