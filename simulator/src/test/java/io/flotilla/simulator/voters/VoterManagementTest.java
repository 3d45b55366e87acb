package io.flotilla.simulator.voters;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.voters.VoterChange;
import io.flotilla.simulator.Progress;
import io.flotilla.simulator.Scenarios;
import io.flotilla.simulator.Simulation;
import io.flotilla.simulator.SimulationOptions;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.world.Battery;
import java.util.List;
import org.junit.jupiter.api.Test;

class VoterManagementTest {

  @Test
  void aVoterWhoseBatteryDrainsIsSwappedForAListenerAndTheGroupStaysAvailable() {
    Simulation sim = Simulation.create(Scenarios.squad(3, 2, "lan", 0.0, "60s", ""),
        SimulationOptions.defaults());
    Group g = sim.group("s-0");
    sim.advanceTo(SimTime.seconds(2));
    Member victim = aVoterOtherThanTheLeader(g);
    // Full now, 20% at 18 s, empty at 22 s; it keeps running, only its health says so.
    victim.agent().battery(Battery.draining(SimTime.seconds(22)));

    SimulationResult r = sim.run(Progress.NONE);

    assertThat(r.ok()).as(String.valueOf(r.violation())).isTrue();
    List<VoterChangeLog.Entry> changes = sim.voterChanges().entries();
    assertThat(changes).hasSize(1);
    VoterChangeLog.Entry swap = changes.get(0);
    assertThat(swap.kind()).isEqualTo(VoterChange.Kind.SWAP);
    assertThat(swap.out()).isEqualTo(victim.agent().name());
    assertThat(swap.reason()).contains("battery");
    // Below 20% from 18 s, then the policy's grace of 5 s, then the next round.
    assertThat(swap.at()).isBetween(SimTime.seconds(23), SimTime.seconds(25));
    assertThat(victim.isVoter()).isFalse();
    assertThat(g.member(g.members().indexOf(member(g, swap.in()))).isVoter()).isTrue();
    assertThat(g.voterCount()).isEqualTo(3);
    assertThat(r.summary().groups().get(0).leaderLosses()).isZero();
    assertThat(r.summary().groups().get(0).availability()).isGreaterThan(0.98);
  }

  @Test
  void aBatteryHoveringAtTheThresholdIsDemotedOnceAndNeverPromotedBack() {
    Simulation sim = Simulation.create(Scenarios.squad(3, 2, "lan", 0.0, "120s", ""),
        SimulationOptions.defaults());
    Group g = sim.group("s-0");
    sim.advanceTo(SimTime.seconds(2));
    Member hoverer = aVoterOtherThanTheLeader(g);
    // 18% and 22% in turn, 8 s each: below the demotion bound longer than the grace, and
    // never up to the promotion bound of 30%.
    hoverer.agent().battery(now -> (now / SimTime.seconds(8)) % 2 == 0 ? 22 : 18);

    SimulationResult r = sim.run(Progress.NONE);

    assertThat(r.ok()).as(String.valueOf(r.violation())).isTrue();
    String name = hoverer.agent().name();
    List<VoterChangeLog.Entry> involving = sim.voterChanges().entries().stream()
        .filter(e -> name.equals(e.in()) || name.equals(e.out())).toList();
    assertThat(involving).hasSize(1);
    assertThat(involving.get(0).out()).isEqualTo(name);
    assertThat(hoverer.isVoter()).isFalse();
    assertThat(g.voterCount()).isEqualTo(3);
  }

  @Test
  void aLeaderRunningLowHandsOffBeforeItIsSwappedOut() {
    Simulation sim = Simulation.create(Scenarios.squad(3, 2, "lan", 0.0, "60s", ""),
        SimulationOptions.defaults());
    Group g = sim.group("s-0");
    sim.advanceTo(SimTime.seconds(2));
    Member leader = g.leader();
    leader.agent().battery(now -> 10);

    SimulationResult r = sim.run(Progress.NONE);

    assertThat(r.ok()).as(String.valueOf(r.violation())).isTrue();
    List<VoterChange.Kind> kinds =
        sim.voterChanges().entries().stream().map(VoterChangeLog.Entry::kind).toList();
    assertThat(kinds).containsExactly(VoterChange.Kind.HAND_OFF, VoterChange.Kind.SWAP);
    assertThat(sim.voterChanges().entries().get(1).out()).isEqualTo(leader.agent().name());
    assertThat(leader.isVoter()).isFalse();
    assertThat(g.leader()).isNotSameAs(leader);
    assertThat(g.voterCount()).isEqualTo(3);
  }

  private static Member aVoterOtherThanTheLeader(Group g) {
    Member leader = g.leader();
    assertThat(leader).isNotNull();
    return g.members().stream().filter(m -> m != leader && m.isVoter()).findFirst().orElseThrow();
  }

  private static Member member(Group g, String agent) {
    return g.members().stream().filter(m -> m.agent().name().equals(agent)).findFirst()
        .orElseThrow();
  }
}
