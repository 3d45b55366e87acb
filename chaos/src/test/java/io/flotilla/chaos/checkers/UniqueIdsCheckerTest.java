package io.flotilla.chaos.checkers;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UniqueIdsCheckerTest {

  @Test
  void distinctIdsAreValid() {
    UniqueIdsChecker.Result result = UniqueIdsChecker.check(history()
        .ok(0, "generate", null, 1, 0, 10)
        .ok(1, "generate", null, 2, 0, 10).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.generated()).isEqualTo(2);
  }

  @Test
  void anIdReturnedTwiceIsReportedWithBothOperations() {
    UniqueIdsChecker.Result result = UniqueIdsChecker.check(history()
        .ok(0, "generate", null, 7, 0, 10)
        .ok(1, "generate", null, 8, 0, 10)
        .ok(2, "generate", null, 7, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.duplicates()).containsOnlyKeys(7L);
    assertThat(result.duplicates().get(7L)).extracting(op -> op.process()).containsExactly(0, 2);
  }

  @Test
  void idsOfFailedOrUnknownOperationsDoNotCount() {
    UniqueIdsChecker.Result result = UniqueIdsChecker.check(history()
        .ok(0, "generate", null, 7, 0, 10)
        .info(1, "generate", null, 0, 10).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.generated()).isEqualTo(1);
  }
}
