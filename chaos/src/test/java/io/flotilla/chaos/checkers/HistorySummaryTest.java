package io.flotilla.chaos.checkers;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistorySummaryTest {

  private static final long MS = 1_000_000L;

  private final HistorySummary summary = HistorySummary.of(history()
      .ok(0, "write", 1, 1, 0, 10 * MS)
      .ok(1, "read", null, 1, 5 * MS, 25 * MS)
      .fail(2, "write", 2, 100 * MS, 130 * MS)
      .info(3, "write", 3, 200 * MS, 300 * MS)
      .ok(0, "read", null, 1, 1_500 * MS, 1_540 * MS)
      .build());

  @Test
  void countsEventsByTypeAndOperationsByFunctionAndOutcome() {
    assertThat(summary.eventsByType()).isEqualTo(Map.of(EventType.INVOKE, 5L, EventType.OK, 3L,
        EventType.FAIL, 1L, EventType.INFO, 1L));
    assertThat(summary.operationsByFunction().get("write"))
        .isEqualTo(Map.of(Outcome.OK, 1L, Outcome.FAIL, 1L, Outcome.INFO, 1L));
    assertThat(summary.operationsByFunction().get("read")).isEqualTo(Map.of(Outcome.OK, 2L));
  }

  @Test
  void latencyCoversOperationsWithAKnownCompletion() {
    assertThat(summary.latency().getTotalCount()).isEqualTo(4);
    assertThat(summary.latency().getMaxValue()).isBetween(39 * MS, 41 * MS);
    assertThat(summary.latency().getValueAtPercentile(50)).isBetween(19 * MS, 21 * MS);
  }

  @Test
  void throughputCountsOkCompletionsPerSecond() {
    assertThat(summary.okPerSecond()).containsExactly(2, 1);
    assertThat(summary.describe()).contains("ok per second: 2 1").contains("latency: p50");
  }
}
