package io.flotilla.simulator.world;

import java.util.SplittableRandom;

/**
 * Random waypoint: pick a random point in a rectangle, fly there in a straight line at a
 * random speed, pause, repeat. Draws only from its own random stream.
 */
public final class RandomWaypoint implements Mobility {
  private final double minX;
  private final double minY;
  private final double maxX;
  private final double maxY;
  private final double minSpeed;
  private final double maxSpeed;
  private final long pause;
  private final SplittableRandom random;

  private double fromX;
  private double fromY;
  private double toX;
  private double toY;
  private long departs;
  private long arrives;
  private long leaves;

  public RandomWaypoint(double minX, double minY, double maxX, double maxY, double minSpeed,
      double maxSpeed, long pauseMicros, SplittableRandom random) {
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.minSpeed = minSpeed;
    this.maxSpeed = maxSpeed;
    this.pause = pauseMicros;
    this.random = random;
    this.toX = uniform(minX, maxX);
    this.toY = uniform(minY, maxY);
    this.arrives = 0;
    this.leaves = (long) (random.nextDouble() * pauseMicros);
    nextLeg();
  }

  @Override
  public void locate(long now, Position out) {
    while (now >= leaves) {
      nextLeg();
    }
    if (now >= arrives) {
      out.x = toX;
      out.y = toY;
      return;
    }
    double f = now <= departs ? 0 : (double) (now - departs) / (arrives - departs);
    out.x = fromX + (toX - fromX) * f;
    out.y = fromY + (toY - fromY) * f;
  }

  private void nextLeg() {
    fromX = toX;
    fromY = toY;
    departs = leaves;
    toX = uniform(minX, maxX);
    toY = uniform(minY, maxY);
    double speed = uniform(minSpeed, maxSpeed);
    long travel = Math.max(1, (long) (Math.hypot(toX - fromX, toY - fromY) / speed * 1e6));
    arrives = departs + travel;
    leaves = arrives + pause;
  }

  private double uniform(double lo, double hi) {
    return hi <= lo ? lo : lo + random.nextDouble() * (hi - lo);
  }
}
