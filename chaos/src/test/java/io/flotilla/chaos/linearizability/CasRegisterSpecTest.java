package io.flotilla.chaos.linearizability;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.chaos.TestHistories;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compare-and-set register, one property a test. Times are arbitrary units. */
class CasRegisterSpecTest {

  private static Verdict check(TestHistories history) {
    return LinearizabilityChecker.check(history.build(), Models.casRegister()).verdict();
  }

  @Test
  void anEmptyHistoryIsLinearizable() {
    assertThat(check(history())).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aReadSeesTheLastCompletedWrite() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 10)
        .ok(1, "read", null, 1, 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aStaleReadAfterACompletedWriteIsNotLinearizable() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 10)
        .ok(1, "read", null, null, 20, 30))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEitherValue() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 30)
        .ok(1, "read", null, null, 10, 20))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 30)
        .ok(1, "read", null, 1, 10, 20))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void concurrentWritesMayTakeEffectInEitherOrder() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 20)
        .ok(1, "write", 2, 2, 5, 25)
        .ok(2, "read", null, 1, 30, 40))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void readsAfterConcurrentWritesCannotFlipBack() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 20)
        .ok(1, "write", 2, 2, 5, 25)
        .ok(2, "read", null, 1, 30, 40)
        .ok(2, "read", null, 2, 50, 60))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void operationsTouchingAtOneInstantCountAsConcurrent() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 10)
        .ok(1, "read", null, null, 10, 20))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void anInfoWriteMayHaveHappenedOrNot() {
    assertThat(check(history()
        .info(0, "write", 1, 0, 10)
        .ok(1, "read", null, null, 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history()
        .info(0, "write", 1, 0, 10)
        .ok(1, "read", null, 1, 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void anInfoWriteMayTakeEffectLongAfterItsInfoCompletion() {
    assertThat(check(history()
        .info(0, "write", 1, 0, 10)
        .ok(1, "read", null, null, 20, 30)
        .ok(1, "read", null, 1, 40, 50))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void anInfoWriteThatWasSeenCannotBeUnseen() {
    assertThat(check(history()
        .info(0, "write", 1, 0, 10)
        .ok(1, "read", null, 1, 20, 30)
        .ok(1, "read", null, null, 40, 50))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void anOperationThatNeverReturnedMayTakeEffectAtAnyLaterTime() {
    assertThat(check(history()
        .pending(0, "write", 1, 0)
        .ok(1, "read", null, null, 20, 30)
        .ok(1, "read", null, 1, 40, 50))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void anOperationThatNeverReturnedCannotTakeEffectBeforeItWasInvoked() {
    assertThat(check(history()
        .ok(1, "read", null, 1, 0, 10)
        .pending(0, "write", 1, 20))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aFailedWriteDidNotHappen() {
    assertThat(check(history()
        .fail(0, "write", 1, 0, 10)
        .ok(1, "read", null, 1, 20, 30))).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(check(history()
        .fail(0, "write", 1, 0, 10)
        .ok(1, "read", null, null, 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void anAcknowledgedCasCannotBeLost() {
    assertThat(check(history()
        .ok(0, "write", 0, 0, 0, 10)
        .ok(1, "cas", List.of(0, 1), List.of(0, 1), 20, 30)
        .ok(2, "read", null, 0, 40, 50))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aCasSucceedsOnlyFromTheExpectedValue() {
    assertThat(check(history()
        .ok(0, "write", 0, 0, 0, 10)
        .ok(1, "cas", List.of(5, 1), List.of(5, 1), 20, 30))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aFailedCasDidNotHappen() {
    assertThat(check(history()
        .ok(0, "write", 0, 0, 0, 10)
        .fail(1, "cas", List.of(0, 1), 20, 30)
        .ok(2, "read", null, 0, 40, 50))).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history()
        .ok(0, "write", 0, 0, 0, 10)
        .fail(1, "cas", List.of(0, 1), 20, 30)
        .ok(2, "read", null, 1, 40, 50))).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aCasOfUnknownOutcomeMayHaveSwappedTheValue() {
    assertThat(check(history()
        .ok(0, "write", 0, 0, 0, 10)
        .info(1, "cas", List.of(0, 1), 20, 30)
        .ok(2, "read", null, 0, 40, 50)
        .ok(2, "read", null, 1, 60, 70))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aTimedOutReadConstrainsNothing() {
    assertThat(check(history()
        .ok(0, "write", 1, 1, 0, 10)
        .info(1, "read", null, 20, 30))).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void independentKeysAreIndependentRegisters() {
    assertThat(check(history()
        .key("a").ok(0, "write", 1, 1, 0, 10)
        .key("b").ok(1, "read", null, null, 20, 30)
        .key("a").ok(1, "read", null, 1, 40, 50))).isEqualTo(Verdict.LINEARIZABLE);
  }
}
