package dev.otto.api.job;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
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
 */
public record JobDraft(String name, Flow flow, String schedule, String prompt, boolean enabled, ModelRef modelRef) {

    /** Validates the fields. */
    public JobDraft {
        requireNonBlank(name, "name");
        Objects.requireNonNull(flow, "flow must not be null");
        requireNonBlank(schedule, "schedule");
        requireNonBlank(prompt, "prompt");
    }

    /**
     * Returns a copy with another model.
     *
     * @param newModelRef the model, or null to use the defaults
     * @return the copy
     */
    public JobDraft withModelRef(ModelRef newModelRef) {
        return new JobDraft(name, flow, schedule, prompt, enabled, newModelRef);
    }

    /** Redacts the prompt: prompts are user content and never appear in logs. */
    @Override
    public String toString() {
        return "JobDraft[name=" + name + ", flow=" + flow.wireName() + ", schedule=" + schedule
                + ", prompt=<redacted " + prompt.length() + " chars>, enabled=" + enabled + ", modelRef="
                + modelRef + "]";
    }

    static void requireNonBlank(String value, String field) {
        Objects.requireNonNull(value, field + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
