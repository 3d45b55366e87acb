package io.flotilla.simulator.voters;

import io.flotilla.consensus.voters.AgentHealth;
import io.flotilla.consensus.voters.VoterChange;
import io.flotilla.consensus.voters.VoterManager;
import io.flotilla.consensus.voters.VoterPolicy;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.kernel.TraceHash;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.world.RadioModel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps each group's voter set healthy as a real agent node does: every {@link #PERIOD} of
 * virtual time, on each group's current leader, it surveys the members' health, asks the
 * shared {@link VoterManager} for a change and makes it through the Raft model's single-server
 * configuration changes.
 *
 * <p>A manager lives as long as one leader's term: a new leader starts afresh (its grace
 * timers and cooldown are its own), as a restarted agent node would. PROMOTE and DEMOTE are one
 * configuration entry; SWAP is two, the listener added first and the unhealthy voter removed
 * once that has committed, so the voter count never dips below where it was; HAND_OFF is a
 * leadership transfer. A change the leader cannot start yet (the previous one has not
 * committed) is asked for again on the next round and recorded only once started.
 */
public final class VoterSupervisor {
  /** How often each leader reconsiders its voters, as the agent node polls health. */
  public static final long PERIOD = SimTime.seconds(1);

  private final Kernel kernel;
  private final HealthSurvey survey;
  private final List<Group> groups;
  private final Tenure[] tenures;
  private final VoterChangeLog log = new VoterChangeLog();

  /** One leader's term in one group: its manager and the second half of a swap, if due. */
  private static final class Tenure {
    final VoterPolicy policy;
    Member leader;
    long term;
    VoterManager manager;
    String pendingRemoval;

    Tenure(VoterPolicy policy) {
      this.policy = policy;
    }
  }

  /** @param policies each group's policy, in the order of {@code groups} */
  public VoterSupervisor(Kernel kernel, RadioModel radio, List<Group> groups,
      List<VoterPolicy> policies) {
    this.kernel = kernel;
    this.survey = new HealthSurvey(radio);
    this.groups = groups;
    this.tenures = new Tenure[groups.size()];
    for (int i = 0; i < tenures.length; i++) {
      tenures[i] = new Tenure(policies.get(i));
    }
  }

  /**
   * A group's policy from its scenario settings: {@link VoterPolicy#DEFAULT} for what is
   * unset, with the group's initial voter count as the target.
   */
  public static VoterPolicy policy(Scenario.VoterPolicy spec, int initialVoters) {
    VoterPolicy d = VoterPolicy.DEFAULT;
    List<Integer> battery = spec.battery();
    return new VoterPolicy(
        spec.targetVoters() != null ? spec.targetVoters() : initialVoters,
        spec.maxLag() != null ? micros(spec.maxLag().micros()) : d.maxLag(),
        battery != null ? battery.get(0) : d.demoteBattery(),
        battery != null ? battery.get(1) : d.promoteBattery(),
        d.demoteLink(), d.promoteLink(), d.maxRestarts(),
        spec.grace() != null ? micros(spec.grace().micros()) : d.grace(),
        spec.cooldown() != null ? micros(spec.cooldown().micros()) : d.cooldown());
  }

  /** The minimum voters each group keeps: its policy's target. */
  public int[] floors() {
    int[] out = new int[tenures.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = tenures[i].policy.targetVoters();
    }
    return out;
  }

  public VoterChangeLog changes() {
    return log;
  }

  /**
   * Starts the rounds, the first one {@code settle} from now: agents that just started have
   * not registered their presence yet, and would be taken for gone.
   */
  public void start(long settle) {
    kernel.after(settle, new Event() {
      @Override
      protected void fire() {
        groups.forEach(g -> round(g, tenures[g.index()]));
        start(PERIOD);
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(200, 1);
      }

      @Override
      public String describe() {
        return "leaders review their voters";
      }
    });
  }

  private void round(Group g, Tenure t) {
    Member leader = g.leader();
    if (leader == null) {
      return;
    }
    if (leader != t.leader || leader.node().term() != t.term) {
      t.leader = leader;
      t.term = leader.node().term();
      t.manager = new VoterManager(t.policy);
      t.pendingRemoval = null;
    }
    if (t.pendingRemoval != null) {
      if (leader.node().configurationCommitted()
          && leader.proposeVoters(voting(leader, t.pendingRemoval, false))) {
        t.pendingRemoval = null;
      }
      return;
    }
    long now = kernel.now();
    List<AgentHealth> health = survey.survey(leader, now);
    Optional<VoterChange> decided = t.manager.decide(now / 1000, leader.agent().name(), health);
    if (decided.isEmpty()) {
      return;
    }
    VoterChange c = decided.get();
    boolean started = switch (c.kind()) {
      case PROMOTE, SWAP -> leader.proposeVoters(voting(leader, c.in(), true));
      case DEMOTE -> leader.proposeVoters(voting(leader, c.out(), false));
      case HAND_OFF -> leader.transferLeadershipTo(member(g, c.in()));
    };
    if (!started) {
      return;
    }
    t.manager.made(c, now / 1000);
    if (c.kind() == VoterChange.Kind.SWAP) {
      t.pendingRemoval = c.out();
    }
    log.add(new VoterChangeLog.Entry(now, g.name(), c.kind(), c.in(), c.out(), c.reason()));
  }

  /** The leader's current voters with agent {@code name} voting or not. */
  private static boolean[] voting(Member leader, String name, boolean votes) {
    boolean[] v = leader.node().voters();
    v[member(leader.group(), name).position()] = votes;
    return v;
  }

  private static Member member(Group g, String agent) {
    for (Member m : g.members()) {
      if (m.agent().name().equals(agent)) {
        return m;
      }
    }
    throw new IllegalStateException("the voter manager named " + agent + ", not in " + g);
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(micros * 1000);
  }
}
