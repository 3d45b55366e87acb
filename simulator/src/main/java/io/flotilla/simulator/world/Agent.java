package io.flotilla.simulator.world;

/**
 * A physical agent: a drone, vehicle, robot or ground station. It has a position given by its
 * mobility model, a radio range, a {@link Battery}, and is either up or crashed.
 * {@link #life()} counts crashes, so timers set before a crash can tell that they belong to a
 * previous life; it is also the restart count the agent reports in its health.
 */
public final class Agent {
  private final int id;
  private final String name;
  private final Mobility mobility;
  private final double range;
  private final Position position = new Position();
  private long locatedAt = -1;
  private boolean up = true;
  private int life;
  private Battery battery = Battery.MAINS;

  public Agent(int id, String name, Mobility mobility, double range) {
    this.id = id;
    this.name = name;
    this.mobility = mobility;
    this.range = range;
  }

  public int id() {
    return id;
  }

  public String name() {
    return name;
  }

  public double range() {
    return range;
  }

  public Battery battery() {
    return battery;
  }

  /** Fits a battery (scenarios at build time; tests to script a charge). */
  public void battery(Battery b) {
    this.battery = b;
  }

  public boolean isUp() {
    return up;
  }

  public int life() {
    return life;
  }

  /** The agent's position at {@code now}; the returned object is reused by later calls. */
  public Position at(long now) {
    if (now != locatedAt) {
      mobility.locate(now, position);
      locatedAt = now;
    }
    return position;
  }

  public void crash() {
    up = false;
    life++;
  }

  public void reboot() {
    up = true;
  }
}
