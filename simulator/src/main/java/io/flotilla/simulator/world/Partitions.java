package io.flotilla.simulator.world;

import java.util.ArrayList;
import java.util.List;

/**
 * Scripted cuts in connectivity: a set of agents cut off from everyone else, or a region whose
 * inside is cut off from its outside (a tunnel, a jammed block). Cuts add up: two agents can
 * talk only if no active cut separates them.
 */
public final class Partitions {
  private final List<int[]> agentCuts = new ArrayList<>();
  private final List<double[]> regionCuts = new ArrayList<>();
  private final boolean[] scratch;

  public Partitions(int agents) {
    scratch = new boolean[agents];
  }

  public boolean any() {
    return !agentCuts.isEmpty() || !regionCuts.isEmpty();
  }

  public void isolate(int[] agentIds) {
    agentCuts.add(agentIds);
  }

  public void heal(int[] agentIds) {
    agentCuts.remove(agentIds);
  }

  /** Cuts the disc at (x, y) of radius r off from the rest; returns a handle for healing. */
  public double[] isolateRegion(double x, double y, double r) {
    double[] region = {x, y, r};
    regionCuts.add(region);
    return region;
  }

  public void healRegion(double[] region) {
    regionCuts.remove(region);
  }

  /** Whether an active cut separates {@code a} at {@code pa} from {@code b} at {@code pb}. */
  public boolean separated(int a, double ax, double ay, int b, double bx, double by) {
    for (int[] cut : agentCuts) {
      if (contains(cut, a) != contains(cut, b)) {
        return true;
      }
    }
    for (double[] r : regionCuts) {
      boolean ina = Math.hypot(ax - r[0], ay - r[1]) <= r[2];
      boolean inb = Math.hypot(bx - r[0], by - r[1]) <= r[2];
      if (ina != inb) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(int[] ids, int id) {
    for (int i : ids) {
      if (i == id) {
        return true;
      }
    }
    return false;
  }
}
