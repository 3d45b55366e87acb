package io.flotilla.consensus.voters;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.voters.VoterChange.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The voter manager's decisions, as a specification: health in, at most one change out. */
class VoterManagerTest {
  private static final VoterPolicy POLICY = VoterPolicy.DEFAULT
      .withTiming(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(10));

  private static AgentHealth voter(String id) {
    return new AgentHealth(id, true, true, true, 100, 80, 0.9, 0);
  }

  private static AgentHealth listener(String id, int battery) {
    return new AgentHealth(id, false, true, true, 100, battery, 0.9, 0);
  }

  private static AgentHealth battery(AgentHealth a, int battery) {
    return new AgentHealth(a.id(), a.voter(), a.eligible(), a.present(), a.lagMillis(), battery,
        a.link(), a.restarts());
  }

  private static AgentHealth gone(AgentHealth a) {
    return new AgentHealth(a.id(), a.voter(), a.eligible(), false, 60_000, a.battery(),
        a.link(), a.restarts());
  }

  @Test
  void aHealthyGroupAtItsTargetIsLeftAlone() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = List.of(voter("a"), voter("b"), voter("c"), listener("d", 90));
    for (long t = 0; t < 60_000; t += 1000) {
      assertThat(m.decide(t, "a", g)).isEmpty();
    }
  }

  @Test
  void aGroupBelowItsTargetPromotesTheHealthiestEligibleListener() {
    VoterManager m = new VoterManager(POLICY);
    AgentHealth ineligible = new AgentHealth("e", false, false, true, 10, 100, 1.0, 0);
    List<AgentHealth> g = List.of(voter("a"), voter("b"), listener("c", 40), listener("d", 95),
        ineligible);
    assertThat(m.decide(0, "a", g)).contains(
        new VoterChange(Kind.PROMOTE, "d", null, "2 voters < target 3"));
  }

  @Test
  void aDeadVoterIsSwappedForTheHealthiestListenerOnlyAfterTheGrace() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = List.of(voter("a"), voter("b"), gone(voter("c")), listener("d", 60),
        listener("e", 90));
    assertThat(m.decide(0, "a", g)).isEmpty();
    assertThat(m.decide(4_999, "a", g)).isEmpty();
    Optional<VoterChange> c = m.decide(5_000, "a", g);
    assertThat(c).hasValueSatisfying(ch -> {
      assertThat(ch.kind()).isEqualTo(Kind.SWAP);
      assertThat(ch.out()).isEqualTo("c");
      assertThat(ch.in()).isEqualTo("e");
      assertThat(ch.reason()).isEqualTo("c: presence lost");
    });
  }

  @Test
  void aDrainedBatteryDemotesTheVoterAndTheCooldownSpacesChanges() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = new ArrayList<>(List.of(voter("a"), battery(voter("b"), 10),
        battery(voter("c"), 15), listener("d", 90), listener("e", 85)));
    m.decide(0, "a", g);
    VoterChange first = m.decide(5_000, "a", g).orElseThrow();
    assertThat(first.kind()).isEqualTo(Kind.SWAP);
    assertThat(first.out()).isEqualTo("b");
    assertThat(first.reason()).isEqualTo("b: battery 10% < 20%");
    m.made(first, 5_000);
    g.set(1, new AgentHealth("b", false, true, true, 100, 10, 0.9, 0));
    g.set(3, voter("d"));
    assertThat(m.decide(14_999, "a", g)).isEmpty();
    assertThat(m.decide(15_000, "a", g)).hasValueSatisfying(ch -> {
      assertThat(ch.out()).isEqualTo("c");
      assertThat(ch.in()).isEqualTo("e");
    });
  }

  @Test
  void aBatteryHoveringAroundTheThresholdNeverFlaps() {
    VoterManager m = new VoterManager(POLICY);
    Random random = new Random(7);
    for (long t = 0; t < 600_000; t += 500) {
      // b hovers 17-23%: under 20% never for 5 s straight; d hovers 25-29%: never promotable.
      int b = 17 + random.nextInt(7);
      List<AgentHealth> g = List.of(voter("a"), battery(voter("b"), t % 4000 < 2000 ? b : 21),
          voter("c"), listener("d", 25 + random.nextInt(5)));
      assertThat(m.decide(t, "a", g)).as("at %d ms", t).isEmpty();
    }
  }

  @Test
  void noChangeIsProposedWithoutAHealthyMajorityOfVoters() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = List.of(voter("a"), gone(voter("b")), gone(voter("c")),
        listener("d", 90), listener("e", 90));
    for (long t = 0; t < 60_000; t += 1000) {
      assertThat(m.decide(t, "a", g)).isEmpty();
    }
  }

  @Test
  void anUnhealthyLeaderHandsOffRatherThanDemotingItself() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = List.of(battery(voter("a"), 5), voter("b"), battery(voter("c"), 70),
        listener("d", 90));
    m.decide(0, "a", g);
    assertThat(m.decide(5_000, "a", g)).contains(
        new VoterChange(Kind.HAND_OFF, "b", "a", "a: battery 5% < 20%"));
  }

  @Test
  void aGroupAboveItsTargetDemotesItsLeastHealthyVoterButNeverTheLeader() {
    VoterManager m = new VoterManager(POLICY);
    List<AgentHealth> g = List.of(battery(voter("a"), 30), voter("b"), battery(voter("c"), 40),
        voter("d"), voter("e"));
    assertThat(m.decide(0, "a", g)).contains(
        new VoterChange(Kind.DEMOTE, null, "c", "5 voters > target 3"));
  }

  @Test
  void boundsThatWouldFlapAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new VoterPolicy(3,
        Duration.ofSeconds(3), 30, 20, 0.3, 0.5, 5, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("promoted and demoted in turn");
  }
}
