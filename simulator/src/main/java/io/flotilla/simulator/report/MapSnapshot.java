package io.flotilla.simulator.report;

import java.util.List;

/** Where every agent was at one instant, and each group leader's links to its members. */
public record MapSnapshot(long time, List<Dot> agents, List<Link> links) {
  /** One agent; {@code group} is its squad's index, or -1 for a ground station. */
  public record Dot(String name, double x, double y, int group, boolean up, boolean leader) {}

  /** A leader-to-member link with its loss probability (1 when out of range or cut). */
  public record Link(double x1, double y1, double x2, double y2, double loss) {}
}
