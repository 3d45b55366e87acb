package io.flotilla.chaos.linearizability;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.TestHistories;
import io.flotilla.chaos.history.History;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The search's limits answer {@link Verdict#UNKNOWN} rather than guess. The hard history has
 * {@code writers} concurrent writes of distinct values and a read, concurrent with all of them, of
 * a value never written: proving it impossible means trying every subset and order of writes
 * before the read, far beyond any budget a test would wait for.
 */
class LimitsTest {

  private static TestHistories hard(TestHistories history, int writers) {
    for (int p = 0; p < writers; p++) {
      history.ok(p, "write", p, p, p, 1_000 + p);
    }
    return history.ok(writers, "read", null, -1, 500, 600)
        .ok(writers + 1, "read", null, 0, 2_000, 2_100);
  }

  @Test
  void theTimeLimitAnswersUnknown() {
    History history = hard(history(), 40).build();

    CheckResult result = LinearizabilityChecker.check(history, Models.casRegister(),
        CheckOptions.DEFAULT.withTimeLimit(Duration.ofMillis(50)));

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.unknownReason()).hasValueSatisfying(r -> assertThat(r).contains("time"));
    assertThat(result.evidence()).isEmpty();
  }

  @Test
  void theMemoryLimitAnswersUnknown() {
    History history = hard(history(), 40).build();

    CheckResult result = LinearizabilityChecker.check(history, Models.casRegister(),
        CheckOptions.DEFAULT.withMaxMemoBytes(4 << 20));

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.unknownReason()).hasValueSatisfying(r -> assertThat(r).contains("memory"));
  }

  /**
   * Appends of large unique chunks whose outcome is unknown, then a read nothing explains: the
   * search remembers a new, ever longer list for every subset and order of the appends. Counted
   * as small entries, the memo would fill the heap long before its limit.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theMemoryLimitCountsTheSizeOfStates() {
    TestHistories appends = history().key("list");
    for (int p = 0; p < 24; p++) {
      appends.info(p, "append", String.valueOf((char) ('a' + p)).repeat(64 << 10), p, 5_000);
    }
    History history = appends.ok(100, "get", null, "never-appended", 1_000, 1_100).build();

    CheckResult result = LinearizabilityChecker.check(history, Models.kv(), CheckOptions.DEFAULT);

    assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(result.unknownReason()).hasValueSatisfying(r -> assertThat(r).contains("memory"));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aPartitionFoundInvalidStopsTheOthers() {
    History history = hard(history().key("hard"), 40)
        .key("easy").ok(100, "write", 1, 1, 0, 10).ok(101, "read", null, 2, 20, 30)
        .build();

    CheckResult result = LinearizabilityChecker.check(history, Models.casRegister(),
        CheckOptions.DEFAULT.withMaxMemoBytes(Long.MAX_VALUE));

    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.evidence().orElseThrow().blocked().key()).isEqualTo("easy");
  }
}
