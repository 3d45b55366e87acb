package io.flotilla.chaos.nemesis;

import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import java.util.List;
import java.util.Random;

/**
 * A step of one node's wall clock, as NTP or a GPS fix makes on a board without a real-time
 * clock: by hours, longer than any lease, forward or back, or swinging an hour either way every
 * second. Each forward step of a run goes an hour further than the one before, so that it is
 * ahead of every time the cluster has seen, as a first sync after boot is. Only that agent's
 * clock moves (libfaketime in its container), never the host's, and never its monotonic clock.
 * Healed by giving the node true time again.
 */
final class ClockFault implements Nemesis {
  static final long STEP_SECONDS = 3600;

  enum Kind { FORWARD, BACK, STROBE }

  private final String name;
  private final Kind kind;
  private final boolean leader;
  private ClusterNode victim;
  private int forwardSteps;

  ClockFault(String name, Kind kind, boolean leader) {
    this.name = name;
    this.kind = kind;
    this.leader = leader;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String start(DockerCluster cluster, Random random) {
    List<ClusterNode> nodes = cluster.nodes();
    ClusterNode any = nodes.get(random.nextInt(nodes.size()));
    victim = leader ? cluster.leader().orElse(any) : any;
    switch (kind) {
      case FORWARD -> victim.stepClock(STEP_SECONDS * ++forwardSteps);
      case BACK -> victim.stepClock(-STEP_SECONDS);
      case STROBE -> victim.strobeClock(STEP_SECONDS);
    }
    return switch (kind) {
      case FORWARD -> "stepped " + victim.id() + "'s clock " + forwardSteps + " h forward";
      case BACK -> "stepped " + victim.id() + "'s clock an hour back";
      case STROBE -> "swinging " + victim.id() + "'s clock an hour either way every second";
    };
  }

  @Override
  public void stop(DockerCluster cluster) {
    if (victim != null) {
      victim.trueClock();
      victim = null;
    }
  }
}
