package io.flotilla.simulator.scenario;

import io.flotilla.simulator.scenario.Scenario.Fault;
import io.flotilla.simulator.scenario.Scenario.Mobility;
import io.flotilla.simulator.scenario.Scenario.Squad;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks that a bound scenario makes sense; the first problem found is thrown, on one line. */
final class ScenarioValidator {
  private static final Set<String> PROFILES = Set.of("lan", "radio");
  private static final Set<String> MOBILITY =
      Set.of("stationary", "random-waypoint", "patrol", "follow");
  private static final Set<String> COUNCILS = Set.of("ground-stations", "delegates");
  private static final Set<String> FAULTS =
      Set.of("crash", "crash-leader", "isolate", "isolate-region", "transfer-leader");

  private final String label;

  private ScenarioValidator(String label) {
    this.label = label;
  }

  static void validate(Scenario s, String label) {
    new ScenarioValidator(label).check(s);
  }

  private void check(Scenario s) {
    require(s.name().matches("[A-Za-z0-9][A-Za-z0-9._-]*"),
        "name must be letters, digits, '.', '_' or '-'");
    require(PROFILES.contains(s.profile()), "profile must be 'lan' or 'radio', not '"
        + s.profile() + "'");
    require(s.duration().micros() > 0, "duration must be positive");
    require(s.area().width() > 0 && s.area().height() > 0,
        "area.width and area.height must be positive");
    require(s.radio().range() > 0, "radio.range must be positive");
    probability(s.radio().loss(), "radio.loss");
    probability(s.radio().edgeLoss(), "radio.edgeLoss");
    notNegative(s.radio().latency(), "radio.latency");
    notNegative(s.radio().rangeLatency(), "radio.rangeLatency");
    notNegative(s.radio().jitter(), "radio.jitter");

    require(!s.squads().isEmpty(), "squads must list at least one squad");
    Set<String> groups = new HashSet<>();
    Set<String> agents = new HashSet<>();
    for (int i = 0; i < s.squads().size(); i++) {
      Squad q = s.squads().get(i);
      String at = "squads[" + i + "]";
      require(q != null, at + " is empty");
      require(q.name().matches("[a-z][a-z0-9]*"), at + ".name must be lower-case letters and"
          + " digits, starting with a letter");
      require(q.count() >= 1, at + ".count must be at least 1");
      require(q.voters() >= 1, at + ".voters must be at least 1 (a squad with no voters cannot"
          + " elect a leader)");
      require(q.listeners() >= 0, at + ".listeners must not be negative");
      require(q.battery() == null || q.battery().micros() > 0, at + ".battery must be positive");
      require(q.range() == null || q.range() > 0, at + ".range must be positive");
      probability(q.fastDrain().share(), at + ".fastDrain.share");
      require(q.fastDrain().factor() >= 1, at + ".fastDrain.factor must be at least 1");
      voterPolicy(q.voterPolicy(), at + ".voterPolicy");
      mobility(q.mobility(), at + ".mobility", true);
      for (int g = 0; g < q.count(); g++) {
        String group = q.name() + "-" + g;
        require(groups.add(group), at + ".name makes group '" + group + "' twice");
        for (int a = 0; a < q.size(); a++) {
          agents.add(group + "-" + a);
        }
      }
    }
    if (s.council() != null) {
      var c = s.council();
      require(COUNCILS.contains(c.kind()), "council.kind must be 'ground-stations' or"
          + " 'delegates', not '" + c.kind() + "'");
      require(c.stations() >= 1, "council.stations must be at least 1");
      require(c.voters() >= 1, "council.voters must be at least 1");
      require(c.range() == null || c.range() > 0, "council.range must be positive");
      require(c.reportEvery().micros() > 0, "council.reportEvery must be positive");
      require(c.forward().batch() >= 1, "council.forward.batch must be at least 1");
      require(c.forward().delay().micros() > 0, "council.forward.delay must be positive");
      voterPolicy(c.voterPolicy(), "council.voterPolicy");
      groups.add("council");
      if (c.kind().equals("ground-stations")) {
        for (int i = 0; i < c.stations(); i++) {
          agents.add("station-" + i);
        }
      }
    }

    var w = s.workload();
    require(w.presence().keepAlive().micros() > 0, "workload.presence.keepAlive must be positive");
    require(w.presence().ttl().micros() > w.presence().keepAlive().micros(),
        "workload.presence.ttl must be longer than workload.presence.keepAlive");
    require(w.claims().perMinute() >= 0, "workload.claims.perMinute must not be negative");
    require(w.claims().tasks() >= 1, "workload.claims.tasks must be at least 1");
    require(w.reads().perMinute() >= 0, "workload.reads.perMinute must not be negative");
    require(w.coordinator().candidates() >= 0,
        "workload.coordinator.candidates must not be negative");
    require(w.coordinator().recheck().micros() > 0,
        "workload.coordinator.recheck must be positive");
    require(w.requestTimeout() == null || w.requestTimeout().micros() > 0,
        "workload.requestTimeout must be positive");

    for (int i = 0; i < s.faults().size(); i++) {
      fault(s.faults().get(i), "faults[" + i + "]", groups, agents);
    }
    for (int i = 0; i < s.report().maps().size(); i++) {
      Span t = s.report().maps().get(i);
      require(t != null && t.micros() >= 0 && t.micros() <= s.duration().micros(),
          "report.maps[" + i + "] must be within the duration");
    }
  }

  private void voterPolicy(Scenario.VoterPolicy p, String at) {
    require(p.targetVoters() == null || p.targetVoters() >= 1,
        at + ".targetVoters must be at least 1");
    require(p.grace() == null || p.grace().micros() >= 0, at + ".grace must not be negative");
    require(p.cooldown() == null || p.cooldown().micros() >= 0,
        at + ".cooldown must not be negative");
    require(p.maxLag() == null || p.maxLag().micros() > 0, at + ".maxLag must be positive");
    List<Integer> b = p.battery();
    require(b == null || (b.size() == 2 && b.stream().allMatch(v -> v != null && v >= 0
        && v <= 100) && b.get(0) <= b.get(1)),
        at + ".battery must be [demote below, promote from], percentages, demote <= promote");
  }

  private void mobility(Mobility m, String at, boolean mayFollow) {
    require(m.type() != null, at + ".type is required (one of " + sorted(MOBILITY) + ")");
    require(MOBILITY.contains(m.type()), at + ".type must be one of " + sorted(MOBILITY)
        + ", not '" + m.type() + "'");
    List<Double> speed = m.speed();
    require(!speed.isEmpty() && speed.size() <= 2
        && speed.stream().allMatch(v -> v != null && v > 0),
        at + ".speed must be one or two positive numbers (m/s)");
    require(speed.get(0) <= speed.get(speed.size() - 1), at + ".speed must be [min, max]");
    require(m.pause().micros() >= 0, at + ".pause must not be negative");
    require(m.roam() >= 0, at + ".roam must not be negative");
    require(m.spacing() > 0, at + ".spacing must be positive");
    switch (m.type()) {
      case "patrol" -> {
        require(m.waypoints().size() >= 2, at + ".waypoints must list at least two points");
        for (List<Double> p : m.waypoints()) {
          require(p != null && p.size() == 2 && p.stream().allMatch(v -> v != null),
              at + ".waypoints must be [x, y] pairs");
        }
      }
      case "follow" -> {
        require(mayFollow, at + ".type 'follow' cannot lead a formation");
        require(m.lead() != null, at + ".lead is required for type 'follow'");
        mobility(m.lead(), at + ".lead", false);
      }
      default -> { }
    }
  }

  private void fault(Fault f, String at, Set<String> groups, Set<String> agents) {
    require(f != null, at + " is empty");
    require(f.type() != null, at + ".type is required (one of " + sorted(FAULTS) + ")");
    require(FAULTS.contains(f.type()), at + ".type must be one of " + sorted(FAULTS)
        + ", not '" + f.type() + "'");
    require(f.at().micros() >= 0, at + ".at must not be negative");
    require(f.duration() == null || f.duration().micros() > 0, at + ".duration must be positive");
    require(f.rebootAfter() == null || f.rebootAfter().micros() > 0,
        at + ".rebootAfter must be positive");
    switch (f.type()) {
      case "crash" -> {
        require(f.agent() != null, at + ".agent is required for a crash");
        require(agents.contains(f.agent()), at + ".agent: no agent named '" + f.agent() + "'");
      }
      case "crash-leader", "transfer-leader" -> {
        require(f.group() != null, at + ".group is required for " + f.type());
        require(groups.contains(f.group()), at + ".group: no group named '" + f.group() + "'");
      }
      case "isolate" -> {
        require(!f.agents().isEmpty(), at + ".agents must list at least one agent");
        for (String a : f.agents()) {
          require(agents.contains(a), at + ".agents: no agent named '" + a + "'");
        }
      }
      case "isolate-region" -> {
        var r = f.region();
        require(r != null && r.x() != null && r.y() != null && r.radius() != null,
            at + ".region needs x, y and radius");
        require(r.radius() > 0, at + ".region.radius must be positive");
      }
      default -> throw new IllegalStateException(f.type());
    }
  }

  private void probability(double p, String key) {
    require(p >= 0 && p <= 1, key + " must be a probability between 0 and 1");
  }

  private void notNegative(Span s, String key) {
    require(s.micros() >= 0, key + " must not be negative");
  }

  private static String sorted(Set<String> names) {
    return String.join(", ", names.stream().sorted().toList());
  }

  private void require(boolean ok, String problem) {
    if (!ok) {
      throw new ScenarioException("scenario " + label + ": " + problem);
    }
  }
}
