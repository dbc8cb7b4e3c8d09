package dev.otto.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void acceptsIds() {
        assertThat(Ids.require("task-021.shared:cortex/1", "taskId")).isEqualTo("task-021.shared:cortex/1");
        assertThat(Ids.isValid("x".repeat(Ids.MAX_LENGTH))).isTrue();
    }

    @Test
    void rejectsTextWithoutShowingIt() {
        assertThatThrownBy(() -> Ids.require("my secret prompt", "taskId"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("taskId contains whitespace")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Ids.require("", "runId")).hasMessageStartingWith("runId must not be empty");
        assertThatThrownBy(() -> Ids.require("x".repeat(201), "runId")).hasMessageContaining("201 characters");
        assertThatThrownBy(() -> Ids.require(null, "runId")).isInstanceOf(NullPointerException.class)
                .hasMessage("runId must not be null");
    }
}
