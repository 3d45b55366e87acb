package io.flotilla.simulator.world;

/** Holds a fixed offset from a formation leader, wherever the leader goes. */
public final class Follow implements Mobility {
  private final Mobility leader;
  private final double dx;
  private final double dy;

  public Follow(Mobility leader, double dx, double dy) {
    this.leader = leader;
    this.dx = dx;
    this.dy = dy;
  }

  @Override
  public void locate(long now, Position out) {
    leader.locate(now, out);
    out.x += dx;
    out.y += dy;
  }
}
