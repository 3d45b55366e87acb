package io.flotilla.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkloadMixTest {

  @Test
  void aSingleOperationIsTheWholeMix() {
    WorkloadMix mix = WorkloadMix.parse("txn");

    assertThat(mix.weights()).containsExactly(Map.entry(Operation.TXN, 1));
    assertThat(mix.pick(0)).isEqualTo(Operation.TXN);
    assertThat(mix.hasReads()).isFalse();
  }

  @Test
  void weightsAreKeptInOperationOrderAndZeroWeightsDropped() {
    WorkloadMix mix = WorkloadMix.parse(" stale-get=1, put=3 ,get=0");

    assertThat(mix.weights()).containsExactly(
        Map.entry(Operation.PUT, 3), Map.entry(Operation.STALE_GET, 1));
    assertThat(mix.total()).isEqualTo(4);
    assertThat(mix.hasReads()).isTrue();
    assertThat(mix).hasToString("put=3,stale-get=1");
  }

  @Test
  void mixIsThePreset() {
    assertThat(WorkloadMix.parse("mix").toString()).isEqualTo(WorkloadMix.PRESET);
    assertThat(WorkloadMix.parse("mix").weights()).hasSize(Operation.values().length);
  }

  @Test
  void eachDrawMapsToTheOperationWhoseShareCoversIt() {
    WorkloadMix mix = WorkloadMix.parse("put=2,get=1");

    assertThat(mix.pick(0)).isEqualTo(Operation.PUT);
    assertThat(mix.pick(1)).isEqualTo(Operation.PUT);
    assertThat(mix.pick(2)).isEqualTo(Operation.GET);
    assertThatThrownBy(() -> mix.pick(3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void randomPicksConvergeOnTheWeights() {
    WorkloadMix mix = WorkloadMix.parse("put=70,get=20,local-get=10");
    Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      counts.merge(mix.pick(random), 1, Integer::sum);
    }

    assertThat(counts.get(Operation.PUT)).isBetween(69_000, 71_000);
    assertThat(counts.get(Operation.GET)).isBetween(19_000, 21_000);
    assertThat(counts.get(Operation.LOCAL_GET)).isBetween(9_300, 10_700);
    assertThat(counts).doesNotContainKeys(Operation.TXN, Operation.STALE_GET);
  }

  @Test
  void malformedSpecsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> WorkloadMix.parse("frob"))
        .hasMessageStartingWith("unknown operation 'frob' in workload 'frob'");
    assertThatThrownBy(() -> WorkloadMix.parse("put=1,put=2"))
        .hasMessage("put is given twice in workload 'put=1,put=2'");
    assertThatThrownBy(() -> WorkloadMix.parse("put=x"))
        .hasMessageContaining("is not OP=WEIGHT");
    assertThatThrownBy(() -> WorkloadMix.parse("put=-1"))
        .hasMessageContaining("is not OP=WEIGHT");
    assertThatThrownBy(() -> WorkloadMix.parse("put=0"))
        .hasMessage("workload 'put=0' has no operation with a weight");
  }
}
