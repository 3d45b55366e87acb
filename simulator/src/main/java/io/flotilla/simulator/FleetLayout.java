package io.flotilla.simulator;

import io.flotilla.simulator.kernel.RandomStreams;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.Scenario.Squad;
import io.flotilla.simulator.world.Follow;
import io.flotilla.simulator.world.Mobility;
import io.flotilla.simulator.world.Patrol;
import io.flotilla.simulator.world.RandomWaypoint;
import io.flotilla.simulator.world.Stationary;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where a scenario's agents start and how they move, which groups exist and who is in each.
 * Squads are laid out on a grid of cells covering the area, in the order the scenario lists
 * them; ground stations sit at the centres of a grid of their own. Both engines lay a scenario
 * out with it, so the same scenario and seed give them the same agents, moves and groups.
 */
public final class FleetLayout {
  /**
   * An agent to create; {@code squad} is its squad's index, or -1 for a ground station;
   * {@code battery} its flight time in microseconds (0: mains power) and {@code fastDrain} how
   * its squad's faster-draining agents are drawn.
   */
  public record Placed(String name, Mobility mobility, double range, long battery,
      Scenario.FastDrain fastDrain, int squad) {}

  public record Membership(int agent, String group, boolean voter) {}

  private final List<Placed> agents = new ArrayList<>();
  private final List<String> groupNames = new ArrayList<>();
  private final List<Membership> memberships = new ArrayList<>();
  private final RandomStreams streams;

  public FleetLayout(Scenario s, RandomStreams streams) {
    this.streams = streams;
    int total = s.squads().stream().mapToInt(Squad::count).sum();
    int cols = (int) Math.ceil(Math.sqrt(total));
    int rows = (total + cols - 1) / cols;
    double cellW = s.area().width() / cols;
    double cellH = s.area().height() / rows;
    List<Integer> delegates = new ArrayList<>();
    int k = 0;
    for (Squad q : s.squads()) {
      for (int i = 0; i < q.count(); i++, k++) {
        String group = q.name() + "-" + i;
        groupNames.add(group);
        double[] cell = {(k % cols) * cellW, (k / cols) * cellH, (k % cols + 1) * cellW,
            (k / cols + 1) * cellH};
        Mobility lead = null;
        for (int a = 0; a < q.size(); a++) {
          String name = group + "-" + a;
          Mobility m = mobility(q.mobility(), name, a, cell, s, lead);
          if (a == 0) {
            lead = m;
            delegates.add(agents.size());
          }
          memberships.add(new Membership(agents.size(), group, a < q.voters()));
          agents.add(new Placed(name, m, q.range() != null ? q.range() : s.radio().range(),
              q.battery() == null ? 0 : q.battery().micros(), q.fastDrain(), k));
        }
      }
    }
    if (s.council() != null) {
      groupNames.add("council");
      Scenario.Council c = s.council();
      List<Integer> members = new ArrayList<>();
      if (c.kind().equals("ground-stations")) {
        int sc = (int) Math.ceil(Math.sqrt(c.stations()));
        int sr = (c.stations() + sc - 1) / sc;
        for (int i = 0; i < c.stations(); i++) {
          double x = (i % sc + 0.5) * s.area().width() / sc;
          double y = (i / sc + 0.5) * s.area().height() / sr;
          members.add(agents.size());
          agents.add(new Placed("station-" + i, new Stationary(x, y),
              c.range() != null ? c.range() : s.radio().range(), 0, null, -1));
        }
      } else {
        // Delegates carry a long-range radio for the council, if the scenario gives one.
        for (int d : delegates) {
          Placed p = agents.get(d);
          double range = c.range() == null ? p.range() : Math.max(p.range(), c.range());
          agents.set(d, new Placed(p.name(), p.mobility(), range, p.battery(), p.fastDrain(),
              p.squad()));
        }
        members.addAll(delegates);
      }
      for (int i = 0; i < members.size(); i++) {
        memberships.add(new Membership(members.get(i), "council", i < c.voters()));
      }
    }
  }

  public List<Placed> agents() {
    return agents;
  }

  public List<String> groupNames() {
    return groupNames;
  }

  public List<Membership> memberships() {
    return memberships;
  }

  private Mobility mobility(Scenario.Mobility spec, String name, int position, double[] cell,
      Scenario s, Mobility lead) {
    List<Double> speed = spec.speed();
    double minSpeed = speed.get(0);
    double maxSpeed = speed.get(speed.size() - 1);
    switch (spec.type()) {
      case "stationary" -> {
        SplittableRandom r = streams.stream("place/" + name);
        return new Stationary(cell[0] + r.nextDouble() * (cell[2] - cell[0]),
            cell[1] + r.nextDouble() * (cell[3] - cell[1]));
      }
      case "random-waypoint" -> {
        double roam = spec.roam();
        return new RandomWaypoint(Math.max(0, cell[0] - roam), Math.max(0, cell[1] - roam),
            Math.min(s.area().width(), cell[2] + roam), Math.min(s.area().height(), cell[3] + roam),
            minSpeed, maxSpeed, spec.pause().micros(), streams.stream("move/" + name));
      }
      case "patrol" -> {
        List<double[]> points = spec.waypoints().stream()
            .map(p -> new double[] {cell[0] + p.get(0), cell[1] + p.get(1)}).toList();
        long start = (long) (position * spec.spacing() / minSpeed * 1e6);
        return new Patrol(points, minSpeed, start, spec.loop());
      }
      case "follow" -> {
        if (position == 0) {
          return mobility(spec.lead(), name, 0, cell, s, null);
        }
        // Rows of five behind the leader, spacing metres apart.
        int slot = position - 1;
        double dx = (slot % 5 - 2) * spec.spacing();
        double dy = -(slot / 5 + 1) * spec.spacing();
        return new Follow(lead, dx, dy);
      }
      default -> throw new IllegalStateException("validated mobility type " + spec.type());
    }
  }
}
