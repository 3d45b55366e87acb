package io.flotilla.consensus.voters;

import java.time.Duration;

/**
 * How a group keeps its voter set healthy. A voter is demoted when it is absent, silent,
 * drained, badly linked or restarting too often; a listener is promoted only when it clears
 * stricter bounds than those, so an agent hovering at a threshold is never demoted and promoted
 * in turn. A voter must stay unhealthy for {@code grace} before it is demoted, and after any
 * change the group waits {@code cooldown} before the next one.
 *
 * @param targetVoters how many voters the group keeps (3 or 5 typically); the rest listen
 * @param maxLag a member the leader has not heard from for longer is unhealthy
 * @param demoteBattery a voter reporting less charge (percent) is unhealthy
 * @param promoteBattery a listener needs at least this charge to be promoted
 * @param demoteLink a voter reporting a worse link quality (0-1) is unhealthy
 * @param promoteLink a listener needs at least this link quality to be promoted
 * @param maxRestarts a member whose node restarted more often is unhealthy
 * @param grace how long a voter must stay unhealthy before it is demoted
 * @param cooldown how long after a change the next may be made
 */
public record VoterPolicy(int targetVoters, Duration maxLag, int demoteBattery,
    int promoteBattery, double demoteLink, double promoteLink, int maxRestarts,
    Duration grace, Duration cooldown) {

  /** Three voters; battery 20/30%, link 0.3/0.5, lag 3 s, 5 restarts, grace 5 s, cooldown 5 s. */
  public static final VoterPolicy DEFAULT = new VoterPolicy(3, Duration.ofSeconds(3), 20, 30,
      0.3, 0.5, 5, Duration.ofSeconds(5), Duration.ofSeconds(5));

  public VoterPolicy {
    if (targetVoters < 1) {
      throw new IllegalArgumentException("target voters must be at least 1, not " + targetVoters);
    }
    if (promoteBattery < demoteBattery || promoteLink < demoteLink) {
      throw new IllegalArgumentException("the bounds to promote must be at least those to demote,"
          + " or a member at the threshold would be promoted and demoted in turn");
    }
  }

  public VoterPolicy withTargetVoters(int n) {
    return new VoterPolicy(n, maxLag, demoteBattery, promoteBattery, demoteLink, promoteLink,
        maxRestarts, grace, cooldown);
  }

  public VoterPolicy withTiming(Duration maxLag, Duration grace, Duration cooldown) {
    return new VoterPolicy(targetVoters, maxLag, demoteBattery, promoteBattery, demoteLink,
        promoteLink, maxRestarts, grace, cooldown);
  }

  /** Why a voter should stop voting, or null if it is healthy. */
  String unhealthy(AgentHealth a) {
    if (!a.eligible()) {
      return a.id() + ": not eligible to vote";
    }
    if (!a.present()) {
      return a.id() + ": presence lost";
    }
    if (a.lagMillis() > maxLag.toMillis()) {
      return a.id() + ": not heard from for " + a.lagMillis() + " ms > " + maxLag.toMillis();
    }
    if (a.battery() >= 0 && a.battery() < demoteBattery) {
      return a.id() + ": battery " + a.battery() + "% < " + demoteBattery + "%";
    }
    if (a.link() >= 0 && a.link() < demoteLink) {
      return a.id() + ": link " + a.link() + " < " + demoteLink;
    }
    if (a.restarts() > maxRestarts) {
      return a.id() + ": restarted " + a.restarts() + " times > " + maxRestarts;
    }
    return null;
  }

  /** Whether the leader hears from the member: it can take part in a reconfiguration. */
  boolean reachable(AgentHealth a) {
    return a.present() && a.lagMillis() <= maxLag.toMillis();
  }

  /** Whether a listener is fit to become a voter (stricter than merely not unhealthy). */
  boolean promotable(AgentHealth a) {
    return unhealthy(a) == null
        && (a.battery() < 0 || a.battery() >= promoteBattery)
        && (a.link() < 0 || a.link() >= promoteLink)
        && a.lagMillis() <= maxLag.toMillis() / 2;
  }
}
