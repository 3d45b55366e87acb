package io.flotilla.chaos.linearizability;

import static io.flotilla.chaos.TestHistories.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.chaos.TestHistories;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key-value, counter and set models, one property a test. */
class OtherModelsSpecTest {

  private static Verdict check(TestHistories history, Model<?> model) {
    return LinearizabilityChecker.check(history.build(), model).verdict();
  }

  @Test
  void kvAppendsAccumulateInLinearizationOrder() {
    assertThat(check(history().key("k")
        .ok(0, "append", "a", "a", 0, 20)
        .ok(1, "append", "b", "b", 5, 25)
        .ok(2, "get", null, "ba", 30, 40), Models.kv())).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history().key("k")
        .ok(0, "append", "a", "a", 0, 10)
        .ok(1, "append", "b", "b", 20, 30)
        .ok(2, "get", null, "ba", 40, 50), Models.kv())).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void kvPutReplacesAndAbsentKeysReadEmpty() {
    assertThat(check(history().key("k")
        .ok(2, "get", null, null, 0, 5)
        .ok(0, "append", "a", "a", 10, 20)
        .ok(1, "put", "z", "z", 30, 40)
        .ok(2, "get", null, "z", 50, 60), Models.kv())).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void kvKeysAreCheckedOnTheirOwnAndTogetherAlike() {
    TestHistories stale = history()
        .key("a").ok(0, "put", "1", "1", 0, 10)
        .key("b").ok(1, "put", "2", "2", 0, 10)
        .key("a").ok(2, "get", null, "", 20, 30);

    CheckResult partitioned = LinearizabilityChecker.check(stale.build(), Models.kv());
    CheckResult whole = LinearizabilityChecker.check(stale.build(), Models.kv(),
        CheckOptions.DEFAULT.unpartitioned());

    assertThat(partitioned.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(partitioned.partitions()).isEqualTo(2);
    assertThat(partitioned.evidence().orElseThrow().partition())
        .allSatisfy(op -> assertThat(op.key()).isEqualTo("a"));
    assertThat(whole.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(whole.partitions()).isEqualTo(1);
  }

  @Test
  void counterReadsTheSumOfAddsBeforeIt() {
    assertThat(check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .ok(1, "add", 3, 3, 0, 10)
        .ok(2, "read", null, 5, 20, 30), Models.counter())).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history()
        .ok(0, "add", 2, 2, 0, 10)
        .ok(2, "read", null, 3, 20, 30), Models.counter())).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void counterAddOfUnknownOutcomeMayCountOrNot() {
    assertThat(check(history()
        .info(0, "add", 4, 0, 10)
        .ok(1, "read", null, 0, 20, 30)
        .ok(1, "read", null, 4, 40, 50), Models.counter())).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void setReadsHoldEveryAddBeforeThem() {
    assertThat(check(history()
        .ok(0, "add", 1, 1, 0, 10)
        .ok(1, "add", 2, 2, 20, 30)
        .ok(2, "read", null, List.of(2, 1), 40, 50), Models.set())).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(check(history()
        .ok(0, "add", 1, 1, 0, 10)
        .ok(1, "add", 2, 2, 20, 30)
        .ok(2, "read", null, List.of(2), 40, 50), Models.set()))
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void setAddOfUnknownOutcomeMayAppearLater() {
    assertThat(check(history()
        .info(0, "add", 7, 0, 10)
        .ok(1, "read", null, List.of(), 20, 30)
        .ok(1, "read", null, List.of(7), 40, 50), Models.set())).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void modelsRejectFunctionsTheyDoNotKnow() {
    assertThatThrownBy(() -> check(history().ok(0, "append", "a", "a", 0, 1),
        Models.casRegister()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown function append");
    assertThatThrownBy(() -> check(history().ok(0, "cas", 3, 3, 0, 1), Models.casRegister()))
        .hasMessageContaining("cas takes [expected new]");
    assertThatThrownBy(() -> check(history().ok(0, "add", "x", "x", 0, 1), Models.counter()))
        .hasMessageContaining("must be an integer");
  }

  @Test
  void modelsAreFoundByName() {
    for (String name : Models.NAMES) {
      assertThat(Models.byName(name)).isInstanceOf(PerKeyModel.class);
    }
    assertThatThrownBy(() -> Models.byName("queue")).hasMessageContaining("unknown model 'queue'");
  }
}
