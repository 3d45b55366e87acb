package io.flotilla.simulator.world;

import java.util.List;

/**
 * Moves along a polyline of waypoints at constant speed, starting after a delay (so a column
 * of agents leaves one after another), either looping back to the start or stopping at the end.
 */
public final class Patrol implements Mobility {
  private final double[] xs;
  private final double[] ys;
  private final double[] along;
  private final double length;
  private final double speed;
  private final long start;
  private final boolean loop;

  public Patrol(List<double[]> waypoints, double speed, long startMicros, boolean loop) {
    int n = waypoints.size() + (loop ? 1 : 0);
    xs = new double[n];
    ys = new double[n];
    along = new double[n];
    for (int i = 0; i < n; i++) {
      double[] p = waypoints.get(i % waypoints.size());
      xs[i] = p[0];
      ys[i] = p[1];
      along[i] = i == 0 ? 0 : along[i - 1] + Math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1]);
    }
    this.length = along[n - 1];
    this.speed = speed;
    this.start = startMicros;
    this.loop = loop;
  }

  @Override
  public void locate(long now, Position out) {
    double s = Math.max(0, (now - start) / 1e6 * speed);
    s = loop && length > 0 ? s % length : Math.min(s, length);
    int i = 1;
    while (i < along.length - 1 && along[i] < s) {
      i++;
    }
    double seg = along[i] - along[i - 1];
    double f = seg == 0 ? 0 : (s - along[i - 1]) / seg;
    out.x = xs[i - 1] + (xs[i] - xs[i - 1]) * f;
    out.y = ys[i - 1] + (ys[i] - ys[i - 1]) * f;
  }
}
