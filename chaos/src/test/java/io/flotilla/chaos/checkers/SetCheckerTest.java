package io.flotilla.chaos.checkers;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SetCheckerTest {

  @Test
  void everyAcknowledgedAddIsInTheFinalRead() {
    SetChecker.Result result = SetChecker.check(history()
        .ok(0, "add", 1, 1, 0, 10)
        .ok(1, "add", 2, 2, 0, 10)
        .ok(2, "read", null, List.of(2, 1), 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.acknowledged()).isEqualTo(2);
  }

  @Test
  void anAcknowledgedAddMissingFromTheFinalReadIsLost() {
    SetChecker.Result result = SetChecker.check(history()
        .ok(0, "add", 1, 1, 0, 10)
        .ok(1, "add", 2, 2, 0, 10)
        .ok(2, "read", null, List.of(1), 20, 30)
        .ok(2, "read", null, List.of(2), 40, 50).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.lost()).isEqualTo(Set.of(1L));
    assertThat(result.finalRead().orElseThrow().invokeTime()).isEqualTo(40);
  }

  @Test
  void anElementNeverAddedOrWhoseAddFailedIsUnexpected() {
    SetChecker.Result result = SetChecker.check(history()
        .fail(0, "add", 3, 0, 10)
        .ok(2, "read", null, List.of(3, 4), 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.unexpected()).isEqualTo(Set.of(3L, 4L));
  }

  @Test
  void addsOfUnknownOutcomeMayBePresentOrAbsent() {
    SetChecker.Result result = SetChecker.check(history()
        .info(0, "add", 5, 0, 10)
        .info(1, "add", 6, 0, 10)
        .ok(2, "read", null, List.of(5), 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.recovered()).isEqualTo(Set.of(5L));
  }

  @Test
  void anElementTheReadHoldsTwiceWasAppliedTwice() {
    SetChecker.Result result = SetChecker.check(history()
        .info(0, "add", 5, 0, 10)
        .ok(1, "add", 6, 6, 0, 10)
        .ok(2, "read", null, List.of(5, 6, 5), 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.duplicated()).isEqualTo(Set.of(5L));
    assertThat(result.describe()).contains("1 duplicated [5]");
  }

  @Test
  void anAddAcknowledgedDuringTheFinalReadMayBeMissing() {
    SetChecker.Result result = SetChecker.check(history()
        .ok(0, "add", 1, 1, 10, 40)
        .ok(2, "read", null, List.of(), 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
  }

  @Test
  void withoutASuccessfulReadTheAnswerIsUnknown() {
    assertThat(SetChecker.check(history().ok(0, "add", 1, 1, 0, 10).build()).validity())
        .isEqualTo(Validity.UNKNOWN);
  }
}
