package io.flotilla.simulator.world;

/** A mutable point in metres; reused to avoid allocating one per message. */
public final class Position {
  public double x;
  public double y;

  public double distance(Position o) {
    return Math.hypot(x - o.x, y - o.y);
  }
}
