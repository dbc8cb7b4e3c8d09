package dev.otto.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import java.time.Instant;
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
}
