package dev.otto.api.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otto.api.model.Flow;
import dev.otto.api.model.ModelRef;
import dev.otto.api.model.RouteType;
import dev.otto.api.model.TaskType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunRequestTest {

    static final String PROMPT = "refactor the billing module with key sk-abc";

    @Test
    void exactlyOneOfFlowAndTaskType() {
        assertThatThrownBy(() -> new RunRequest("t", Flow.HEARTBEAT, TaskType.CODING, null, null, null, null, "p", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exactly one of flow and taskType must be set, got flow=heartbeat and taskType=coding");
        assertThatThrownBy(() -> new RunRequest("t", null, null, null, null, null, null, "p", null))
                .hasMessage("exactly one of flow and taskType must be set, got flow=null and taskType=null");

        assertThat(RunRequest.forFlow(Flow.HEARTBEAT, "t", "p").findFlow()).contains(Flow.HEARTBEAT);
        assertThat(RunRequest.forFlow(Flow.HEARTBEAT, "t", "p").findTaskType()).isEmpty();
        assertThat(RunRequest.forTask(TaskType.CODING, "t", "p").taskType()).isEqualTo(TaskType.CODING);
        assertThat(RunRequest.forTask(TaskType.CODING, "t", "p").flow()).isNull();
    }

    @Test
    void toStringRedactsThePrompt() {
        RunRequest request = RunRequest.forTask(TaskType.CODING, "task-1", PROMPT);

        assertThat(request.toString())
                .doesNotContain("billing", "sk-abc")
                .contains("prompt=<redacted " + PROMPT.length() + " chars>", "taskType=coding", "taskId=task-1");
    }

    @Test
    void withersKeepTheOtherFields() {
        ModelRef job = ModelRef.parse("openai/gpt-5.2");
        ModelRef user = ModelRef.parse("openai-codex/gpt-5.3-codex");
        RunRequest request = RunRequest.forFlow(Flow.SCHEDULED_TASKS, "job-7-run", PROMPT)
                .withJob(7, job)
                .withUserOverride(user)
                .withRouteType(RouteType.SUBSCRIPTION)
                .withDeadline(Duration.ofMinutes(2));

        assertThat(request).isEqualTo(new RunRequest("job-7-run", Flow.SCHEDULED_TASKS, null, 7L, job, user,
                RouteType.SUBSCRIPTION, PROMPT, Duration.ofMinutes(2)));
    }

    @Test
    void validatesFields() {
        assertThatThrownBy(() -> RunRequest.forFlow(Flow.HEARTBEAT, " ", "p")).hasMessageContaining("taskId");
        assertThatThrownBy(() -> RunRequest.forFlow(Flow.HEARTBEAT, "t", "  ")).hasMessage("prompt must not be blank");
        assertThatThrownBy(() -> RunRequest.forFlow(Flow.HEARTBEAT, "t", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("prompt must not be null");
        assertThatThrownBy(() -> RunRequest.forFlow(Flow.HEARTBEAT, "t", "p").withJob(0, null))
                .hasMessageStartingWith("jobId is 0");
        assertThatThrownBy(() -> RunRequest.forFlow(Flow.HEARTBEAT, "t", "p").withDeadline(Duration.ZERO))
                .hasMessageStartingWith("deadline is PT0S");
        assertThatThrownBy(() -> RunRequest.forFlow(null, "t", "p")).isInstanceOf(NullPointerException.class)
                .hasMessage("flow must not be null");
    }
}
