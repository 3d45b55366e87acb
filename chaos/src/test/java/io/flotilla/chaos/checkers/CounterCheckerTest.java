package io.flotilla.chaos.checkers;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CounterCheckerTest {

  @Test
  void theFinalReadCountsEveryAcknowledgedAdd() {
    CounterChecker.Result result = CounterChecker.check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .ok(1, "add", 3, 3, 0, 10)
        .ok(2, "read", null, 5, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.lower()).isEqualTo(5);
    assertThat(result.upper()).isEqualTo(5);
  }

  @Test
  void aReadBelowTheAcknowledgedSumIsInvalid() {
    CounterChecker.Result result = CounterChecker.check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .ok(1, "add", 3, 3, 0, 10)
        .ok(2, "read", null, 4, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
  }

  @Test
  void addsOfUnknownOutcomeOrStillRunningWidenTheUpperBound() {
    CounterChecker.Result result = CounterChecker.check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .info(1, "add", 3, 0, 10)
        .ok(3, "add", 4, 4, 15, 40)
        .ok(2, "read", null, 9, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.lower()).isEqualTo(2);
    assertThat(result.upper()).isEqualTo(9);
  }

  @Test
  void aReadAboveEverythingPossibleIsInvalid() {
    CounterChecker.Result result = CounterChecker.check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .fail(1, "add", 3, 0, 10)
        .ok(2, "read", null, 5, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.INVALID);
    assertThat(result.upper()).isEqualTo(2);
  }

  @Test
  void aPossibleNegativeAddLowersTheLowerBound() {
    CounterChecker.Result result = CounterChecker.check(history()
        .ok(0, "add", 5, 5, 0, 10)
        .info(1, "add", -2, 0, 10)
        .ok(2, "read", null, 3, 20, 30).build());

    assertThat(result.validity()).isEqualTo(Validity.VALID);
    assertThat(result.lower()).isEqualTo(3);
  }
}
