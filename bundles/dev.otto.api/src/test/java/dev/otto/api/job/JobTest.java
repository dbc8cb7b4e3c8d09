package dev.otto.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.tools.HookCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String PROMPT = "summarise the secret plan";

    @Test
    void toStringRedactsThePrompt() {
        Job job = new Job(7, "nightly", Flow.SCHEDULED_TASKS, "0 3 * * *", PROMPT, true, null, T0, T0);
        JobDraft draft = job.toDraft();

        assertThat(job.toString()).doesNotContain("secret").contains("prompt=<redacted " + PROMPT.length() + " chars>");
        assertThat(draft.toString()).doesNotContain("secret").contains("<redacted 25 chars>");
    }

    @Test
    void modelOverrideIsOptional() {
        Job without = new Job(1, "a", Flow.HEARTBEAT, "@hourly", "p", true, null, T0, T0);
        Job with = new Job(1, "a", Flow.HEARTBEAT, "@hourly", "p", true, ModelRef.parse("openai/gpt-5.2"), T0, T0);

        assertThat(without.modelOverride()).isEmpty();
        assertThat(with.modelOverride()).contains(ModelRef.parse("openai/gpt-5.2"));
        assertThat(without.toDraft().withModelRef(ModelRef.parse("a/b")).modelRef()).isEqualTo(ModelRef.parse("a/b"));
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> new JobDraft(" ", Flow.HEARTBEAT, "@hourly", "p", true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("name must not be blank");
        assertThatThrownBy(() -> new JobDraft(null, Flow.HEARTBEAT, "@hourly", "p", true, null))
                .isInstanceOf(NullPointerException.class).hasMessage("name must not be null");
        assertThatThrownBy(() -> new JobDraft("a", null, "@hourly", "p", true, null))
                .hasMessage("flow must not be null");
        assertThatThrownBy(() -> new Job(0, "a", Flow.HEARTBEAT, "@hourly", "p", true, null, T0, T0))
                .hasMessageStartingWith("id is 0");
        assertThatThrownBy(() -> new Job(1, "a", Flow.HEARTBEAT, "@hourly", "p", true, null, T0, T0.minusSeconds(1)))
                .hasMessageContaining("is before createdAt");
    }

    @Test
    void noSuchJobNamesTheId() {
        assertThat(new NoSuchJobException(42)).hasMessageStartingWith("no job with id 42").extracting(NoSuchJobException::jobId)
                .isEqualTo(42L);
    }

    @Test
    void sopsAndHooksTravelThroughDraftsAndHideHookArguments() {
        HookCommand pre = new HookCommand(List.of("check.sh", "--token", "s3cr3t"), Duration.ofSeconds(5));
        Job job = new Job(3, "digest", Flow.SCHEDULED_TASKS, "@daily", PROMPT, true, null, List.of("python-env", "ops.search"),
                pre, HookCommand.of("notify"), T0, T0);

        JobDraft draft = job.toDraft();
        assertThat(draft.sops()).containsExactly("python-env", "ops.search");
        assertThat(draft.preRunHook()).isEqualTo(pre);
        assertThat(draft.withModelRef(ModelRef.parse("a/b")).preRunHook()).isEqualTo(pre);
        assertThat(draft.withSops(List.of()).sops()).isEmpty();
        assertThat(draft.withHooks(null, null).postRunHook()).isNull();
        assertThat(job.toString()).doesNotContain("s3cr3t").doesNotContain("--token").contains("check.sh with 2 arguments");
        assertThat(new Job(1, "a", Flow.HEARTBEAT, "@hourly", "p", true, null, T0, T0).sops()).isEmpty();
    }

    @Test
    void sopNamesAreCheckedAndCopied() {
        List<String> names = new ArrayList<>(List.of("python-env"));
        JobDraft draft = new JobDraft("a", Flow.HEARTBEAT, "@hourly", "p", true, null, names, null, null);
        names.add("other");
        assertThat(draft.sops()).containsExactly("python-env");
        assertThatThrownBy(() -> draft.withSops(List.of("../etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid SOP name \"../etc/passwd\"");
        assertThatThrownBy(() -> draft.withSops(List.of("a", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SOP a is named twice: name each SOP once");
        assertThatThrownBy(() -> draft.withSops(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRunNoteIsOneBoundedLine() {
        JobRunEnd skipped = JobRunEnd.skipped(T0, "skipped: pre-run hook check.sh\nexited\u2028with status 3");
        assertThat(skipped.outcome()).isEqualTo(JobRunOutcome.SKIPPED);
        assertThat(skipped.note()).isEqualTo("skipped: pre-run hook check.sh exited with status 3");
        assertThat(JobRunOutcome.SKIPPED.isFailure()).isFalse();

        JobRunEnd longNote = skipped.withNote("x".repeat(1000));
        assertThat(longNote.note()).hasSize(JobRunEnd.MAX_NOTE_LENGTH).endsWith("...").startsWith("skipped: pre-run hook");
        assertThat(JobRun.started(1, 2, JobRunTrigger.MANUAL, T0).finish(skipped).note()).isEqualTo(skipped.note());
        assertThat(JobRunEnd.aborted(T0).note()).isNull();
        assertThat(JobRunEnd.aborted(T0).withNote("  ").note()).isNull();
    }
}
