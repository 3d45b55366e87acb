package io.flotilla.simulator.world;

/** Stays where it was put: a ground station, a parked robot. */
public record Stationary(double x, double y) implements Mobility {
  @Override
  public void locate(long now, Position out) {
    out.x = x;
    out.y = y;
  }
}
