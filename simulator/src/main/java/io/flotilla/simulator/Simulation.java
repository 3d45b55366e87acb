package io.flotilla.simulator;

import io.flotilla.consensus.server.TuningProfile;
import io.flotilla.consensus.voters.VoterPolicy;
import io.flotilla.simulator.fleet.FleetContext;
import io.flotilla.simulator.fleet.FleetObserver;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.fleet.Network;
import io.flotilla.simulator.forwarding.Forwarder;
import io.flotilla.simulator.forwarding.ForwardingLedger;
import io.flotilla.simulator.invariants.Invariant;
import io.flotilla.simulator.invariants.InvariantChecker;
import io.flotilla.simulator.invariants.InvariantViolation;
import io.flotilla.simulator.kernel.Event;
import io.flotilla.simulator.kernel.Kernel;
import io.flotilla.simulator.kernel.RandomStreams;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.kernel.TraceHash;
import io.flotilla.simulator.raft.RaftTiming;
import io.flotilla.simulator.report.MapSnapshot;
import io.flotilla.simulator.report.Metrics;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.Scenario.Fault;
import io.flotilla.simulator.voters.VoterChangeLog;
import io.flotilla.simulator.voters.VoterSupervisor;
import io.flotilla.simulator.workload.AgentWorkload;
import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.Battery;
import io.flotilla.simulator.world.Partitions;
import io.flotilla.simulator.world.Position;
import io.flotilla.simulator.world.RadioModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A whole simulated fleet built from a {@link Scenario}: agents moving in a world, their radio,
 * their Raft groups each applying to real {@code FleetStateMachine}s, the workload, the
 * scripted faults, the invariant checks and the metrics, all driven by one {@link Kernel}.
 *
 * <p>Deterministic: the same scenario, seed and options give the same events in the same order
 * and so the same trace hash, on any machine, however fast.
 */
public final class Simulation {
  /** How many voter changes the summary lists one by one. */
  private static final int FIRST_CHANGES = 10;

  private final Scenario scenario;
  private final SimulationOptions options;
  private final Kernel kernel = new Kernel();
  private final RandomStreams streams;
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, Agent> agentsByName = new LinkedHashMap<>();
  private final List<Group> groups = new ArrayList<>();
  private final Map<String, Group> groupsByName = new LinkedHashMap<>();
  private final List<List<Member>> membersOf = new ArrayList<>();
  private final List<List<AgentWorkload>> workloadsOf = new ArrayList<>();
  private final List<Integer> squadOf = new ArrayList<>();
  private final Partitions partitions;
  private final Network network;
  private final Metrics metrics;
  private final FleetContext context;
  private final VoterSupervisor voters;
  private final ForwardingLedger forwarding;
  private final long duration;

  private Simulation(Scenario scenario, SimulationOptions options) {
    this.scenario = scenario;
    this.options = options;
    this.streams = new RandomStreams(scenario.seed());
    this.duration = scenario.duration().micros();
    TuningProfile profile =
        "lan".equals(scenario.profile()) ? TuningProfile.LAN : TuningProfile.RADIO;
    long batch = profile == TuningProfile.LAN ? SimTime.millis(1) : SimTime.millis(10);
    RaftTiming timing = RaftTiming.of(profile.electionTimeoutMin().toNanos() / 1000,
        profile.electionTimeoutMax().toNanos() / 1000, batch);
    long requestTimeout = scenario.workload().requestTimeout() != null
        ? scenario.workload().requestTimeout().micros()
        : profile.requestTimeout().toNanos() / 1000;

    FleetLayout layout = new FleetLayout(scenario, streams);
    for (FleetLayout.Placed p : layout.agents()) {
      Agent a = new Agent(agents.size(), p.name(), p.mobility(), p.range());
      agents.add(a);
      agentsByName.put(a.name(), a);
      membersOf.add(new ArrayList<>());
      workloadsOf.add(new ArrayList<>());
      squadOf.add(p.squad());
    }
    for (String name : layout.groupNames()) {
      Group g = new Group(groups.size(), name, name.equals("council"), timing, requestTimeout);
      groups.add(g);
      groupsByName.put(name, g);
    }
    this.partitions = new Partitions(agents.size());
    Scenario.Radio r = scenario.radio();
    RadioModel radio = new RadioModel(r.loss(), r.edgeLoss(), r.latency().micros(),
        r.rangeLatency().micros(), r.jitter().micros(), partitions);
    this.network = new Network(kernel, radio, streams.stream("radio"), groups.size());
    long bucket = Math.max(SimTime.seconds(1), (duration / 200 + 999_999) / 1_000_000 * 1_000_000);
    this.metrics = new Metrics(kernel, groups, bucket);
    this.voters = new VoterSupervisor(kernel, radio, groups, policies(scenario, layout));
    InvariantChecker checker = new InvariantChecker(kernel, groups.size(), options.checks(),
        options.digestEvery(), voters.floors());
    Group council = groupsByName.get("council");
    this.forwarding = council == null ? null : new ForwardingLedger(kernel, groups, council,
        options.checks().contains(Invariant.DECISIONS_FORWARDED_ONCE));
    FleetObserver observers = FleetObserver.both(checker, metrics);
    this.context = new FleetContext(kernel, streams, network,
        forwarding == null ? observers : FleetObserver.both(observers, forwarding),
        options.nodes());

    Scenario.Workload w = scenario.workload();
    for (FleetLayout.Membership m : layout.memberships()) {
      Agent a = agents.get(m.agent());
      Group g = groupsByName.get(m.group());
      Member member = new Member(context, a, g, m.voter());
      membersOf.get(a.id()).add(member);
      boolean inCouncil = g.isCouncil();
      double perMicro = 1 / 60e6;
      AgentWorkload.Plan plan = new AgentWorkload.Plan(w.presence().ttl().micros(),
          w.presence().keepAlive().micros(),
          inCouncil ? 0 : w.claims().perMinute() * perMicro, w.claims().tasks(),
          inCouncil ? 0 : w.reads().perMinute() * perMicro,
          m.voter() && member.position() < w.coordinator().candidates(),
          w.coordinator().recheck().micros(),
          inCouncil ? scenario.council().reportEvery().micros() : 0);
      workloadsOf.get(a.id()).add(new AgentWorkload(member, plan,
          streams.stream("work/" + member.name()), context.observer(), kernel));
    }
    for (Agent a : agents) {
      membersOf.get(a.id()).forEach(Member::boot);
      workloadsOf.get(a.id()).forEach(AgentWorkload::start);
    }
    // Every agent grants its presence lease within its first keep-alive period.
    voters.start(Math.max(VoterSupervisor.PERIOD, w.presence().ttl().micros()));
    if (council != null) {
      Scenario.Forward f = scenario.council().forward();
      for (Group g : groups) {
        if (g != council) {
          new Forwarder(kernel, g, council, f.batch(), f.delay().micros()).start();
        }
      }
    }
    scheduleBatteries(layout);
    scheduleFaults();
    schedule(bucket, "sample metrics", 1, this::sample);
    List<Long> maps = scenario.report().maps().isEmpty()
        ? List.of(duration / 6, duration / 2, duration * 5 / 6)
        : scenario.report().maps().stream().map(s -> s.micros()).toList();
    for (long t : maps) {
      kernel.at(t, scripted("draw map", 2, this::snapshot));
    }
  }

  /** Builds the simulation; nothing runs until {@link #run}. */
  public static Simulation create(Scenario scenario, SimulationOptions options) {
    return new Simulation(scenario, options);
  }

  public Scenario scenario() {
    return scenario;
  }

  public Kernel kernel() {
    return kernel;
  }

  public List<Agent> agents() {
    return agents;
  }

  public Agent agent(String name) {
    return require(agentsByName.get(name), "agent", name);
  }

  public List<Group> groups() {
    return groups;
  }

  public Group group(String name) {
    return require(groupsByName.get(name), "group", name);
  }

  public Metrics metrics() {
    return metrics;
  }

  public Network network() {
    return network;
  }

  /** What the squads forwarded to the council so far, or null without a council. */
  public RunSummary.Forwarding forwarding() {
    return forwarding == null ? null : forwarding.summary();
  }

  /** The voter changes made so far. */
  public VoterChangeLog voterChanges() {
    return voters.changes();
  }

  /**
   * Runs to virtual time {@code micros} (or the replay limit), for tests that look at the
   * fleet between steps.
   *
   * @throws InvariantViolation as soon as an invariant breaks
   */
  public void advanceTo(long micros) {
    kernel.run(Math.min(micros, duration), options.stopAtEvent(), e -> { });
  }

  /** Runs to the end of the scenario, the replay limit or the first violation. */
  public SimulationResult run(Progress progress) {
    if (options.traceTail() > 0) {
      kernel.keepRecent(options.traceTail());
    }
    long start = System.nanoTime();
    InvariantViolation violation = null;
    try {
      kernel.run(duration, options.stopAtEvent(), e -> progress.update(kernel.now(), e));
    } catch (InvariantViolation v) {
      violation = v;
    }
    double wall = (System.nanoTime() - start) / 1e9;
    RunSummary.Violation v = violation == null ? null : new RunSummary.Violation(
        violation.invariant().name(), violation.getMessage(), kernel.eventNumber(),
        SimTime.format(kernel.now()),
        "--seed " + scenario.seed() + " --duration " + scenario.duration() + " --replay "
            + kernel.eventNumber());
    RunSummary summary = metrics.summarize(RunSummary.MODEL, scenario.name(), scenario.seed(),
        agents.size(), network, wall, kernel.eventNumber(), kernel.trace().hex(), v)
        .with(voters.changes().summary(FIRST_CHANGES), forwarding());
    List<String> tail = new ArrayList<>();
    kernel.recent().forEach(tail::add);
    return new SimulationResult(summary, violation, kernel.eventNumber(), tail, metrics);
  }

  /** Each group's voter policy, in the layout's group order (squads, then the council). */
  private static List<VoterPolicy> policies(Scenario s, FleetLayout layout) {
    List<VoterPolicy> out = new ArrayList<>();
    for (Scenario.Squad q : s.squads()) {
      for (int i = 0; i < q.count(); i++) {
        out.add(VoterSupervisor.policy(q.voterPolicy(), q.voters()));
      }
    }
    if (s.council() != null) {
      long members = layout.memberships().stream().filter(m -> m.group().equals("council"))
          .count();
      out.add(VoterSupervisor.policy(s.council().voterPolicy(),
          (int) Math.min(s.council().voters(), members)));
    }
    return out;
  }

  // ---- Faults -------------------------------------------------------------------------

  /** Crashes {@code a}: every replica on it loses its volatile state. */
  public void crash(Agent a) {
    if (!a.isUp()) {
      return;
    }
    workloadsOf.get(a.id()).forEach(AgentWorkload::crash);
    membersOf.get(a.id()).forEach(Member::crash);
    a.crash();
  }

  /** Reboots {@code a} from what its replicas persisted. */
  public void reboot(Agent a) {
    if (a.isUp()) {
      return;
    }
    a.reboot();
    membersOf.get(a.id()).forEach(Member::boot);
    workloadsOf.get(a.id()).forEach(AgentWorkload::start);
  }

  private void scheduleFaults() {
    for (Fault f : scenario.faults()) {
      long at = f.at().micros();
      switch (f.type()) {
        case "crash" -> crashAt(at, f, () -> agent(f.agent()));
        case "crash-leader" -> crashAt(at, f, () -> {
          Member leader = group(f.group()).leader();
          return leader == null ? null : leader.agent();
        });
        case "transfer-leader" -> kernel.at(at, scripted("transfer leadership of " + f.group(),
            10, () -> {
              Member leader = group(f.group()).leader();
              if (leader != null) {
                leader.transferLeadership();
              }
            }));
        case "isolate" -> {
          int[] ids = f.agents().stream().mapToInt(n -> agent(n).id()).toArray();
          kernel.at(at, scripted("isolate " + f.agents(), 11, () -> partitions.isolate(ids)));
          if (f.duration() != null) {
            kernel.at(at + f.duration().micros(),
                scripted("heal " + f.agents(), 12, () -> partitions.heal(ids)));
          }
        }
        case "isolate-region" -> {
          double[][] handle = new double[1][];
          var reg = f.region();
          kernel.at(at, scripted("isolate region", 13,
              () -> handle[0] = partitions.isolateRegion(reg.x(), reg.y(), reg.radius())));
          if (f.duration() != null) {
            kernel.at(at + f.duration().micros(),
                scripted("heal region", 14, () -> partitions.healRegion(handle[0])));
          }
        }
        default -> throw new IllegalStateException("validated fault type " + f.type());
      }
    }
  }

  private void crashAt(long at, Fault f, java.util.function.Supplier<Agent> who) {
    kernel.at(at, scripted("fault " + f.type() + " " + (f.agent() != null ? f.agent() : f.group()),
        15, () -> {
          Agent a = who.get();
          if (a == null || !a.isUp()) {
            return;
          }
          crash(a);
          if (f.rebootAfter() != null) {
            kernel.after(f.rebootAfter().micros(), scripted("reboot " + a.name(), 16,
                () -> reboot(a)));
          }
        }));
  }

  private void scheduleBatteries(FleetLayout layout) {
    for (FleetLayout.Placed p : layout.agents()) {
      if (p.battery() <= 0) {
        continue;
      }
      Agent a = agentsByName.get(p.name());
      SplittableRandom random = streams.stream("battery/" + a.name());
      long empty = (long) (p.battery() * (1 - 0.1 * random.nextDouble()));
      if (p.fastDrain().share() > 0 && random.nextDouble() < p.fastDrain().share()) {
        empty = (long) (empty / p.fastDrain().factor());
      }
      a.battery(Battery.draining(empty));
      // A leader running low hands over first, as a real agent would.
      kernel.at(Math.max(0, empty - SimTime.seconds(60)), scripted("battery low " + a.name(),
          17, () -> membersOf.get(a.id()).forEach(Member::transferLeadership)));
      kernel.at(empty, scripted("battery empty " + a.name(), 18, () -> crash(a)));
    }
  }

  // ---- Sampling -----------------------------------------------------------------------

  private void sample() {
    metrics.sample();
    if (kernel.now() + metrics.bucket() <= duration) {
      schedule(metrics.bucket(), "sample metrics", 1, this::sample);
    }
  }

  private void snapshot() {
    long now = kernel.now();
    List<MapSnapshot.Dot> dots = new ArrayList<>();
    for (Agent a : agents) {
      Position p = a.at(now);
      boolean leads = membersOf.get(a.id()).stream().anyMatch(Member::isLeader);
      dots.add(new MapSnapshot.Dot(a.name(), p.x, p.y, squadOf.get(a.id()), a.isUp(), leads));
    }
    List<MapSnapshot.Link> links = new ArrayList<>();
    for (Group g : groups) {
      Member leader = g.leader();
      if (leader == null) {
        continue;
      }
      Position lp = leader.agent().at(now);
      double lx = lp.x;
      double ly = lp.y;
      for (Member m : g.members()) {
        if (m == leader || !m.agent().isUp()) {
          continue;
        }
        Position mp = m.agent().at(now);
        double d = Math.hypot(lx - mp.x, ly - mp.y);
        double range = Math.min(leader.agent().range(), m.agent().range());
        if (d <= range && !partitions.separated(leader.agent().id(), lx, ly, m.agent().id(),
            mp.x, mp.y)) {
          links.add(new MapSnapshot.Link(lx, ly, mp.x, mp.y,
              network.radio().lossAt(d, range)));
        }
      }
    }
    metrics.addMap(new MapSnapshot(now, dots, links));
  }

  private void schedule(long delay, String what, int code, Runnable action) {
    kernel.after(delay, scripted(what, code, action));
  }

  private static Event scripted(String what, int code, Runnable action) {
    return new Event() {
      @Override
      protected void fire() {
        action.run();
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(100 + code, what.hashCode());
      }

      @Override
      public String describe() {
        return what;
      }
    };
  }

  private static <T> T require(T value, String kind, String name) {
    if (value == null) {
      throw new IllegalArgumentException("no " + kind + " named " + name);
    }
    return value;
  }
}
