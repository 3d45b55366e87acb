package io.flotilla.consensus.voters;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides, from what a group's leader sees of its members, the one voter-set change to make
 * next, if any. Pure and single-threaded: the caller reads health, asks {@link #decide}, makes
 * the change and reports it with {@link #made}; the agent node and the simulator share it.
 *
 * <p>Guarantees of every change it proposes: at most one at a time and never within the
 * policy's cooldown of the previous one; a majority of the current voters is reachable (else no
 * change could commit, and none is proposed); a swap never lowers the number of healthy voters,
 * and a demotion leaves a healthy majority of the voters that remain; a voter
 * is demoted only after it stayed unhealthy for the policy's grace, and only a listener that
 * clears the stricter promotion bounds replaces it. The leader is never demoted by itself: it
 * hands leadership off first.
 */
public final class VoterManager {
  private static final Comparator<AgentHealth> HEALTHIEST_FIRST = Comparator
      .comparing((AgentHealth a) -> a.battery() < 0 ? 100 : a.battery(), Comparator.reverseOrder())
      .thenComparing(a -> a.link() < 0 ? 1.0 : a.link(), Comparator.reverseOrder())
      .thenComparingInt(AgentHealth::restarts)
      .thenComparingLong(AgentHealth::lagMillis)
      .thenComparing(AgentHealth::id);

  private final VoterPolicy policy;
  private final Map<String, Long> unhealthySince = new HashMap<>();
  private long lastChangeMillis = Long.MIN_VALUE / 2;

  public VoterManager(VoterPolicy policy) {
    this.policy = policy;
  }

  public VoterPolicy policy() {
    return policy;
  }

  /**
   * The change to make now, if any.
   *
   * @param nowMillis the caller's clock (wall or simulated); only differences matter
   * @param leader the id of the group's leader (the caller)
   * @param members every member of the group, voters and listeners
   */
  public Optional<VoterChange> decide(long nowMillis, String leader, List<AgentHealth> members) {
    List<AgentHealth> voters = members.stream().filter(AgentHealth::voter).toList();
    track(nowMillis, voters);
    if (nowMillis - lastChangeMillis < policy.cooldown().toMillis()) {
      return Optional.empty();
    }
    Set<String> healthy = voters.stream().filter(v -> policy.unhealthy(v) == null)
        .map(AgentHealth::id).collect(Collectors.toCollection(HashSet::new));
    // A change commits only with a majority of the current voters answering.
    long reachable = voters.stream().filter(policy::reachable).count();
    if (reachable < majority(voters.size())) {
      return Optional.empty();
    }
    List<AgentHealth> candidates = members.stream().filter(a -> !a.voter())
        .filter(policy::promotable).sorted(HEALTHIEST_FIRST).toList();

    if (voters.size() < policy.targetVoters() && !candidates.isEmpty()) {
      AgentHealth in = candidates.get(0);
      return Optional.of(new VoterChange(VoterChange.Kind.PROMOTE, in.id(), null,
          voters.size() + " voters < target " + policy.targetVoters()));
    }

    Optional<AgentHealth> due = voters.stream()
        .filter(v -> unhealthySince.containsKey(v.id()))
        .filter(v -> nowMillis - unhealthySince.get(v.id()) >= policy.grace().toMillis())
        .min(Comparator.comparing((AgentHealth v) -> v.present())
            .thenComparingLong(v -> unhealthySince.get(v.id()))
            .thenComparing(AgentHealth::id));
    if (due.isPresent()) {
      AgentHealth out = due.get();
      String why = policy.unhealthy(out);
      boolean replaceable = !candidates.isEmpty() || voters.size() > policy.targetVoters();
      if (out.id().equals(leader)) {
        if (!replaceable) {
          return Optional.empty();
        }
        return voters.stream().filter(v -> healthy.contains(v.id())).sorted(HEALTHIEST_FIRST)
            .findFirst()
            .map(to -> new VoterChange(VoterChange.Kind.HAND_OFF, to.id(), out.id(), why));
      }
      if (!candidates.isEmpty()) {
        return Optional.of(new VoterChange(VoterChange.Kind.SWAP, candidates.get(0).id(),
            out.id(), why));
      }
      if (voters.size() > policy.targetVoters()
          && healthy.size() >= majority(voters.size() - 1)) {
        return Optional.of(new VoterChange(VoterChange.Kind.DEMOTE, null, out.id(), why));
      }
      return Optional.empty();
    }

    if (voters.size() > policy.targetVoters()) {
      // The least healthy voter that is not the leader goes; the rest must stay a majority.
      return voters.stream().filter(v -> !v.id().equals(leader))
          .max(Comparator.comparing((AgentHealth v) -> healthy.contains(v.id()) ? 0 : 1)
              .thenComparing(HEALTHIEST_FIRST))
          .filter(v -> healthy.size() - (healthy.contains(v.id()) ? 1 : 0)
              >= majority(voters.size() - 1))
          .map(v -> new VoterChange(VoterChange.Kind.DEMOTE, null, v.id(),
              voters.size() + " voters > target " + policy.targetVoters()));
    }
    return Optional.empty();
  }

  /** Records that a change was made at {@code nowMillis}: the cooldown starts. */
  public void made(VoterChange change, long nowMillis) {
    lastChangeMillis = nowMillis;
    if (change.out() != null && change.kind() != VoterChange.Kind.HAND_OFF) {
      unhealthySince.remove(change.out());
    }
  }

  private void track(long nowMillis, List<AgentHealth> voters) {
    Set<String> ids = voters.stream().map(AgentHealth::id).collect(Collectors.toSet());
    unhealthySince.keySet().retainAll(ids);
    for (AgentHealth v : voters) {
      if (policy.unhealthy(v) == null) {
        unhealthySince.remove(v.id());
      } else {
        unhealthySince.putIfAbsent(v.id(), nowMillis);
      }
    }
  }

  private static int majority(int n) {
    return n / 2 + 1;
  }
}
