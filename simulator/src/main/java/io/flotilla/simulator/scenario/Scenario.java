package io.flotilla.simulator.scenario;

import java.util.List;

/**
 * A simulation scenario as read from YAML: the world, the fleet's groups, the workload and the
 * scripted faults. Missing values take the defaults documented on each record; unknown keys
 * are errors. {@link ScenarioLoader} reads and validates it.
 *
 * @param profile election timing as Flotilla tunes Ratis: {@code lan} (150-300 ms) or
 *     {@code radio} (1-2 s)
 */
public record Scenario(String name, String description, Long seed, Span duration, String profile,
    Area area, Radio radio, List<Squad> squads, Council council, Workload workload,
    List<Fault> faults, Report report) {

  public Scenario {
    name = name == null ? "scenario" : name;
    description = description == null ? "" : description;
    seed = seed == null ? 1L : seed;
    duration = duration == null ? Span.ofSeconds(600) : duration;
    profile = profile == null ? "radio" : profile;
    area = area == null ? new Area(null, null) : area;
    radio = radio == null ? new Radio(null, null, null, null, null, null) : radio;
    squads = squads == null ? List.of() : squads;
    workload = workload == null ? new Workload(null, null, null, null, null) : workload;
    faults = faults == null ? List.of() : faults;
    report = report == null ? new Report(null) : report;
  }

  public Scenario withSeed(long newSeed) {
    return new Scenario(name, description, newSeed, duration, profile, area, radio, squads,
        council, workload, faults, report);
  }

  public Scenario withDuration(Span newDuration) {
    return new Scenario(name, description, seed, newDuration, profile, area, radio, squads,
        council, workload, faults, report);
  }

  /** The rectangle agents live in, in metres (default 1000 x 1000). */
  public record Area(Double width, Double height) {
    public Area {
      width = width == null ? 1000.0 : width;
      height = height == null ? 1000.0 : height;
    }
  }

  /**
   * Link quality against distance d: no link beyond {@code range}; loss probability grows from
   * {@code loss} at d=0 to {@code edgeLoss} at the range (quadratically); one-way latency is
   * {@code latency + rangeLatency * d/range} plus a uniform jitter in [0, {@code jitter}].
   */
  public record Radio(Double range, Double loss, Double edgeLoss, Span latency,
      Span rangeLatency, Span jitter) {
    public Radio {
      range = range == null ? 1000.0 : range;
      loss = loss == null ? 0.0 : loss;
      edgeLoss = edgeLoss == null ? Math.max(loss, 0.3) : edgeLoss;
      latency = latency == null ? Span.ofMillis(2) : latency;
      rangeLatency = rangeLatency == null ? Span.ofMillis(5) : rangeLatency;
      jitter = jitter == null ? Span.ofMillis(2) : jitter;
    }
  }

  /**
   * {@code count} Raft groups named {@code name-0 ...}, each of {@code voters} voters and
   * {@code listeners} non-voting listeners, laid out on a grid of cells over the area.
   * {@code battery}, if set, is how long each agent flies before its battery runs out (each
   * agent draws up to 10% less; {@code fastDrain} makes some drain faster); its charge drains
   * evenly from 100% and it crashes when empty. {@code range} overrides the radio range of
   * these agents. {@code voterPolicy} tunes how each squad keeps its voters healthy.
   */
  public record Squad(String name, Integer count, Integer voters, Integer listeners,
      Mobility mobility, Span battery, FastDrain fastDrain, Double range,
      VoterPolicy voterPolicy) {
    public Squad {
      name = name == null ? "squad" : name;
      count = count == null ? 1 : count;
      voters = voters == null ? 3 : voters;
      listeners = listeners == null ? 0 : listeners;
      mobility = mobility == null
          ? new Mobility("stationary", null, null, null, null, null, null, null) : mobility;
      fastDrain = fastDrain == null ? new FastDrain(null, null) : fastDrain;
      voterPolicy = voterPolicy == null ? new VoterPolicy(null, null, null, null, null)
          : voterPolicy;
    }

    public int size() {
      return voters + listeners;
    }
  }

  /**
   * A seeded {@code share} (0-1) of a squad's battery-powered agents drains {@code factor}
   * times faster than the rest: older packs, heavier loads (default: none, factor 3).
   */
  public record FastDrain(Double share, Double factor) {
    public FastDrain {
      share = share == null ? 0.0 : share;
      factor = factor == null ? 3.0 : factor;
    }
  }

  /**
   * How a group keeps its voter set healthy, read by the shared
   * {@code io.flotilla.consensus.voters.VoterManager}. Unset values are those of
   * {@code VoterPolicy.DEFAULT}, except {@code targetVoters}, which defaults to the group's
   * initial voters. {@code battery} is [demote below, promote from] in percent.
   */
  public record VoterPolicy(Integer targetVoters, Span grace, Span cooldown, Span maxLag,
      List<Integer> battery) {}

  /**
   * How each squad's leader forwards its committed decisions (task claims) to the council:
   * up to {@code batch} at a time, a batch at most every {@code delay} (defaults 64, 1 s).
   */
  public record Forward(Integer batch, Span delay) {
    public Forward {
      batch = batch == null ? 64 : batch;
      delay = delay == null ? Span.ofSeconds(1) : delay;
    }
  }

  /**
   * How agents move. {@code stationary}: a random spot in the squad's cell.
   * {@code random-waypoint}: to random spots in the cell widened by {@code roam} metres, at a
   * speed drawn from {@code speed} [min, max] m/s, pausing {@code pause} at each.
   * {@code patrol}: along {@code waypoints} (metres from the corner of the squad's cell) at
   * {@code speed[0]}, one agent every
   * {@code spacing} metres, looping if {@code loop}. {@code follow}: the squad's first agent
   * moves as {@code lead} says, the others hold a formation {@code spacing} metres apart.
   */
  public record Mobility(String type, List<Double> speed, Span pause, Double roam,
      List<List<Double>> waypoints, Boolean loop, Double spacing, Mobility lead) {
    public Mobility {
      speed = speed == null ? List.of(1.0, 5.0) : speed;
      pause = pause == null ? Span.ofSeconds(5) : pause;
      roam = roam == null ? 0.0 : roam;
      waypoints = waypoints == null ? List.of() : waypoints;
      loop = loop == null ? Boolean.TRUE : loop;
      spacing = spacing == null ? 20.0 : spacing;
    }
  }

  /**
   * An extra Raft group spanning the fleet. {@code kind: ground-stations} adds
   * {@code stations} stationary agents spread over the area (radio range {@code range});
   * {@code kind: delegates} makes each squad's first agent a member, with a radio of range
   * {@code range} if that is longer than its own. The first
   * {@code voters} members vote, the rest listen. Each member writes a status report every
   * {@code reportEvery}. Squads forward their decisions to it as {@code forward} says; it
   * keeps its voters healthy as {@code voterPolicy} says.
   */
  public record Council(String kind, Integer stations, Integer voters, Double range,
      Span reportEvery, Forward forward, VoterPolicy voterPolicy) {
    public Council {
      kind = kind == null ? "ground-stations" : kind;
      stations = stations == null ? 5 : stations;
      voters = voters == null ? 5 : voters;
      reportEvery = reportEvery == null ? Span.ofSeconds(10) : reportEvery;
      forward = forward == null ? new Forward(null, null) : forward;
      voterPolicy = voterPolicy == null ? new VoterPolicy(null, null, null, null, null)
          : voterPolicy;
    }
  }

  /**
   * What agents ask of their squad. Each agent keeps a presence key under a lease; claims
   * tasks with compare-and-set; reads shared state; {@code coordinator.candidates} voters per
   * squad campaign for the squad's coordinator role. Requests time out after
   * {@code requestTimeout} (default: the profile's) and are retried.
   */
  public record Workload(Presence presence, Claims claims, Reads reads, Coordinator coordinator,
      Span requestTimeout) {
    public Workload {
      presence = presence == null ? new Presence(null, null) : presence;
      claims = claims == null ? new Claims(null, null) : claims;
      reads = reads == null ? new Reads(null) : reads;
      coordinator = coordinator == null ? new Coordinator(null, null) : coordinator;
    }
  }

  public record Presence(Span ttl, Span keepAlive) {
    public Presence {
      ttl = ttl == null ? Span.ofSeconds(10) : ttl;
      keepAlive = keepAlive == null ? Span.ofSeconds(3) : keepAlive;
    }
  }

  /** Each agent claims a random one of {@code tasks} tasks {@code perMinute} times a minute. */
  public record Claims(Double perMinute, Integer tasks) {
    public Claims {
      perMinute = perMinute == null ? 1.0 : perMinute;
      tasks = tasks == null ? 1000 : tasks;
    }
  }

  public record Reads(Double perMinute) {
    public Reads {
      perMinute = perMinute == null ? 2.0 : perMinute;
    }
  }

  public record Coordinator(Integer candidates, Span recheck) {
    public Coordinator {
      candidates = candidates == null ? 2 : candidates;
      recheck = recheck == null ? Span.ofSeconds(5) : recheck;
    }
  }

  /**
   * A scripted fault at time {@code at}. Types: {@code crash} ({@code agent}),
   * {@code crash-leader} ({@code group}'s leader at that moment), both rebooting after
   * {@code rebootAfter} if set; {@code isolate} ({@code agents} cut off from everyone else)
   * and {@code isolate-region} (agents inside {@code region} cut off from those outside),
   * both for {@code duration} or for the rest of the run; {@code transfer-leader}
   * ({@code group}'s leader hands over to its most up-to-date voter).
   */
  public record Fault(String type, Span at, Span duration, Span rebootAfter, String group,
      String agent, List<String> agents, Region region) {
    public Fault {
      at = at == null ? new Span(0) : at;
      agents = agents == null ? List.of() : agents;
    }
  }

  public record Region(Double x, Double y, Double radius) {}

  /** Instants at which the report draws a map of agents and links (default: 3 evenly). */
  public record Report(List<Span> maps) {
    public Report {
      maps = maps == null ? List.of() : maps;
    }
  }
}
