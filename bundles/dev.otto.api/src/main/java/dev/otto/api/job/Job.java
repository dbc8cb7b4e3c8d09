package dev.otto.api.job;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored job. {@code toString()} redacts the prompt.
 *
 * @param id the database id, positive
 * @param name a short human name; non-blank
 * @param flow the flow its runs belong to
 * @param schedule when it runs, in the scheduler's syntax; non-blank
 * @param prompt what it asks the model; non-blank; never logged
 * @param enabled whether the scheduler runs it
 * @param modelRef the job's own model ({@code jobs.model_ref}), or null to use the defaults
 * @param sops the SOPs whose text is added before the prompt, in order; empty for none (see
 *     {@link JobDraft#sops()}); since 1.2
 * @param preRunHook a command run before each run, or null; a failing one skips the run; since 1.2
 * @param postRunHook a command run after each run that was not skipped, or null; since 1.2
 * @param createdAt when it was created
 * @param updatedAt when it was last changed; not before {@code createdAt}
 */
public record Job(
        long id,
        String name,
        Flow flow,
        String schedule,
        String prompt,
        boolean enabled,
        ModelRef modelRef,
        List<String> sops,
        HookCommand preRunHook,
        HookCommand postRunHook,
        Instant createdAt,
        Instant updatedAt) {

    /** Validates the fields. */
    public Job {
        if (id <= 0) {
            throw new IllegalArgumentException("id is " + id + ": expected a positive job id");
        }
        JobDraft.requireNonBlank(name, "name");
        Objects.requireNonNull(flow, "flow must not be null");
        JobDraft.requireNonBlank(schedule, "schedule");
        JobDraft.requireNonBlank(prompt, "prompt");
        sops = JobDraft.requireSops(sops);
        Objects.requireNonNull(createdAt, "createdAt must not be null");
        Objects.requireNonNull(updatedAt, "updatedAt must not be null");
        if (updatedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException(
                    "updatedAt " + updatedAt + " is before createdAt " + createdAt + " for job " + id);
        }
    }

    /**
     * A job with no SOPs and no hooks (the fields of version 1.1).
     *
     * @param id the database id, positive
     * @param name a short human name; non-blank
     * @param flow the flow its runs belong to
     * @param schedule when it runs; non-blank
     * @param prompt what it asks the model; non-blank
     * @param enabled whether the scheduler runs it
     * @param modelRef the job's own model, or null to use the defaults
     * @param createdAt when it was created
     * @param updatedAt when it was last changed
     */
    public Job(long id, String name, Flow flow, String schedule, String prompt, boolean enabled, ModelRef modelRef,
            Instant createdAt, Instant updatedAt) {
        this(id, name, flow, schedule, prompt, enabled, modelRef, List.of(), null, null, createdAt, updatedAt);
    }

    /**
     * Returns the job's own model, which wins over every default when set.
     *
     * @return the model, or empty to use the defaults
     */
    public Optional<ModelRef> modelOverride() {
        return Optional.ofNullable(modelRef);
    }

    /**
     * Returns the caller-settable fields of this job, e.g. to change one of them and update.
     *
     * @return the draft
     */
    public JobDraft toDraft() {
        return new JobDraft(name, flow, schedule, prompt, enabled, modelRef, sops, preRunHook, postRunHook);
    }

    /** Redacts the prompt: prompts are user content and never appear in logs. */
    @Override
    public String toString() {
        return "Job[id=" + id + ", name=" + name + ", flow=" + flow.wireName() + ", schedule=" + schedule
                + ", prompt=<redacted " + prompt.length() + " chars>, enabled=" + enabled + ", modelRef="
                + modelRef + ", sops=" + sops + ", preRunHook=" + preRunHook + ", postRunHook=" + postRunHook
                + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + "]";
    }
}
