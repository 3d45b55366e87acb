package io.flotilla.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static Event event(int process, EventType type, String f, Object value, long time) {
    return new Event(process, type, f, null, value, time);
  }

  @Test
  void pairsEachInvocationWithTheSameProcesssNextEvent() {
    History history = History.of(List.of(
        event(0, EventType.INVOKE, "write", 1L, 0),
        event(1, EventType.INVOKE, "read", null, 1),
        event(1, EventType.OK, "read", 1L, 2),
        event(0, EventType.OK, "write", 1L, 3)));

    assertThat(history.operations()).containsExactly(
        new Operation(0, 0, "write", null, 1L, 1L, Outcome.OK, 0, 3),
        new Operation(1, 1, "read", null, null, 1L, Outcome.OK, 1, 2));
  }

  @Test
  void infoAndMissingCompletionsLeaveTheOperationOpenForever() {
    History history = History.of(List.of(
        event(0, EventType.INVOKE, "write", 1L, 0),
        event(0, EventType.INFO, "write", null, 5),
        event(1, EventType.INVOKE, "write", 2L, 6)));

    assertThat(history.operations()).allSatisfy(op -> {
      assertThat(op.outcome()).isEqualTo(Outcome.INFO);
      assertThat(op.completeTime()).isEqualTo(Operation.NEVER);
      assertThat(op.isUnknown()).isTrue();
    });
  }

  @Test
  void failedOperationsKeepTheirCompletionTime() {
    History history = History.of(List.of(
        event(0, EventType.INVOKE, "cas", List.of(1L, 2L), 0),
        event(0, EventType.FAIL, "cas", List.of(1L, 2L), 4)));

    assertThat(history.operations().get(0).outcome()).isEqualTo(Outcome.FAIL);
    assertThat(history.operations().get(0).completeTime()).isEqualTo(4);
  }

  @Test
  void aProcessCannotInvokeWhileItsOperationIsRunning() {
    assertThatThrownBy(() -> History.of(List.of(
        event(0, EventType.INVOKE, "read", null, 0),
        event(0, EventType.INVOKE, "read", null, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event 2")
        .hasMessageContaining("still running");
  }

  @Test
  void aCompletionNeedsAnInvocationOfTheSameFunction() {
    assertThatThrownBy(() -> History.of(List.of(event(0, EventType.OK, "read", 1L, 0))))
        .hasMessageContaining("without invoking");
    assertThatThrownBy(() -> History.of(List.of(
        event(0, EventType.INVOKE, "read", null, 0),
        event(0, EventType.OK, "write", 1L, 1))))
        .hasMessageContaining("completes write but invoked read");
  }

  @Test
  void aCompletionCannotPrecedeItsInvocation() {
    assertThatThrownBy(() -> History.of(List.of(
        event(0, EventType.INVOKE, "read", null, 10),
        event(0, EventType.OK, "read", null, 5))))
        .hasMessageContaining("before the invocation time");
  }
}
