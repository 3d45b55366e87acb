package io.flotilla.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {
  private static final List<String> ALL = Nemeses.expand(List.of("partition", "kill", "pause"));

  @Test
  void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    NemesisSchedule a = NemesisSchedule.generate(42, ALL, Duration.ofMinutes(2));
    NemesisSchedule b = NemesisSchedule.generate(42, ALL, Duration.ofMinutes(2));
    NemesisSchedule c = NemesisSchedule.generate(43, ALL, Duration.ofMinutes(2));

    assertThat(a).isEqualTo(b);
    assertThat(a.steps()).isNotEqualTo(c.steps());
  }

  @Test
  void oneRoundRunsEveryNemesisWithoutOverlapAndHealsBeforeTheEnd() {
    Duration time = NemesisSchedule.oneRound(ALL.size());
    NemesisSchedule s = NemesisSchedule.generate(7, ALL, time);

    assertThat(s.steps()).extracting(NemesisSchedule.Step::nemesis)
        .containsAll(ALL);
    long previousEnd = 0;
    for (NemesisSchedule.Step step : s.steps()) {
      assertThat(step.startMillis()).isGreaterThanOrEqualTo(previousEnd);
      previousEnd = step.startMillis() + step.durationMillis();
    }
    assertThat(previousEnd).isLessThanOrEqualTo(time.toMillis());
  }

  @Test
  void aLeaderlessSpellOutlastsTheAgentsDeadlineAndLeavesNoMajorityAnywhere() {
    NemesisSchedule s = NemesisSchedule.generate(7, List.of("leaderless"), Duration.ofMinutes(1));
    assertThat(s.steps()).isNotEmpty().allSatisfy(step ->
        assertThat(step.durationMillis()).isGreaterThanOrEqualTo(8_000));

    var grudge = Partitions.apart(List.of("n1", "n2", "n3"));
    assertThat(grudge.get("n1")).containsExactlyInAnyOrder("n2", "n3");
    assertThat(grudge.get("n3")).containsExactlyInAnyOrder("n1", "n2");
  }

  @Test
  void familiesExpandAndUnknownNamesAreRefused() {
    assertThat(Nemeses.expand(List.of("kill", "kill-node", "membership")))
        .containsExactly("kill-node", "kill-leader", "membership");
    assertThatThrownBy(() -> Nemeses.expand(List.of("meteor")))
        .hasMessageStartingWith("unknown nemesis 'meteor'");
  }

  @Test
  void aMajoritiesRingLetsEveryNodeSeeAMajorityButNoTwoTheSame() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
    var grudge = Partitions.majoritiesRing(nodes, new Random(1));

    java.util.Set<java.util.Set<String>> views = new java.util.HashSet<>();
    for (String n : nodes) {
      java.util.Set<String> sees = new java.util.TreeSet<>(nodes);
      sees.removeAll(grudge.get(n));
      assertThat(sees).hasSize(3).contains(n);
      views.add(sees);
    }
    assertThat(views).hasSize(5);
  }

  @Test
  void halvesAndBridgesCutTheClusterBothWays() {
    List<String> nodes = List.of("n1", "n2", "n3", "n4", "n5");
    var halves = Partitions.halves(nodes, new Random(3));
    halves.forEach((n, drops) -> drops.forEach(p -> assertThat(halves.get(p)).contains(n)));
    assertThat(halves.values().stream().mapToInt(java.util.Set::size).sorted().toArray())
        .containsExactly(2, 2, 2, 3, 3);

    var bridge = Partitions.bridge(nodes, new Random(3));
    assertThat(bridge.values()).filteredOn(java.util.Set::isEmpty).hasSize(1);
  }
}
