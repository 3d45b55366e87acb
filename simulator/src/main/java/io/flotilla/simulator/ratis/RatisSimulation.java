package io.flotilla.simulator.ratis;

import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.TuningProfile;
import io.flotilla.simulator.FleetLayout;
import io.flotilla.simulator.Progress;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.fleet.FleetContext;
import io.flotilla.simulator.fleet.Group;
import io.flotilla.simulator.fleet.Member;
import io.flotilla.simulator.fleet.Network;
import io.flotilla.simulator.fleet.NodeFactory;
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
import io.flotilla.simulator.world.Agent;
import io.flotilla.simulator.world.Partitions;
import io.flotilla.simulator.world.Position;
import io.flotilla.simulator.world.RadioModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The simulator's second engine: a scenario whose agents are real Apache Ratis servers (the
 * agent-node's {@link io.flotilla.consensus.server.FleetServer}, fleet state machine and
 * tuning profile), all in this JVM, talking over the simulated radio, which decides which of
 * their messages arrive and how late ({@link RadioTransport}, {@link RadioLinks}).
 *
 * <p>The world (movement, partitions, scripted faults, batteries, the write workload) runs on
 * the same discrete-event kernel and layout as the model engine, paced so that virtual time
 * follows the wall clock from the moment every server is up. The world is seeded, but Ratis's
 * threads are not: two runs of the same scenario and seed differ, and the summary carries no
 * trace hash. Leadership is read from the servers every {@link #TICK}, which bounds how
 * precisely an election is timed. Invariants are not checked: Ratis is the thing under test
 * in the model engine's stead, not the model.
 */
public final class RatisSimulation implements AutoCloseable {
  /** How often the world is brought up to the wall clock and leadership is read. */
  public static final long TICK = SimTime.millis(20);

  /** Written in place of a trace hash: there is no deterministic trace to hash. */
  public static final String NO_TRACE = "none (Ratis scheduling is not deterministic)";

  /** Every member's address in a group's configuration: the radio finds servers by id. */
  private static final String RADIO_ADDRESS = "radio:0";

  /** The simulated agents never watch keys: a short watch history, as in the model engine. */
  private static final Limits LIMITS = Limits.DEFAULT.withWatchHistory(256);

  private final Scenario scenario;
  private final Kernel kernel = new Kernel();
  private final RandomStreams streams;
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, Agent> agentsByName = new HashMap<>();
  private final List<RatisAgent> servers = new ArrayList<>();
  private final List<Group> groups = new ArrayList<>();
  private final Map<String, Group> groupsByName = new HashMap<>();
  private final List<RaftGroupId> groupIds = new ArrayList<>();
  private final List<Integer> squadOf = new ArrayList<>();
  private final Partitions partitions;
  private final RadioModel radio;
  private final Network network;
  private final Metrics metrics;
  private final FleetContext context;
  private final Path storage;
  private final TuningProfile profile;
  private final long duration;
  private final long faultShadow;
  private final Member[] leaders;
  private final boolean[] everLed;
  private final List<Long> faultTimes = new ArrayList<>();
  private final RadioLinks links;
  private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "flotilla-timers");
        t.setDaemon(true);
        return t;
      });
  private RatisWorkload workload;
  private long unprovoked;

  private RatisSimulation(Scenario scenario, Path storage) {
    this.scenario = scenario;
    this.storage = storage;
    this.streams = new RandomStreams(scenario.seed());
    this.duration = scenario.duration().micros();
    this.profile = "lan".equals(scenario.profile()) ? TuningProfile.LAN : TuningProfile.RADIO;
    // After a fault, elections for a few election timeouts are the fault's doing.
    this.faultShadow = 5 * profile.electionTimeoutMax().toNanos() / 1000 + SimTime.seconds(5);
    long batch = profile == TuningProfile.LAN ? SimTime.millis(1) : SimTime.millis(10);
    RaftTiming timing = RaftTiming.of(profile.electionTimeoutMin().toNanos() / 1000,
        profile.electionTimeoutMax().toNanos() / 1000, batch);

    FleetLayout layout = new FleetLayout(scenario, streams);
    for (FleetLayout.Placed p : layout.agents()) {
      Agent a = new Agent(agents.size(), p.name(), p.mobility(), p.range());
      agents.add(a);
      agentsByName.put(a.name(), a);
      squadOf.add(p.squad());
    }
    for (String name : layout.groupNames()) {
      Group g = new Group(groups.size(), name, name.equals("council"), timing,
          profile.requestTimeout().toNanos() / 1000);
      groups.add(g);
      groupsByName.put(name, g);
      groupIds.add(FleetGroup.ratisId(name));
    }
    this.partitions = new Partitions(agents.size());
    Scenario.Radio r = scenario.radio();
    this.radio = new RadioModel(r.loss(), r.edgeLoss(), r.latency().micros(),
        r.rangeLatency().micros(), r.jitter().micros(), partitions);
    this.network = new Network(kernel, radio, streams.stream("radio"), groups.size());
    long bucket = Math.max(SimTime.seconds(1), (duration / 200 + 999_999) / 1_000_000 * 1_000_000);
    this.metrics = new Metrics(kernel, groups, bucket);
    this.context = new FleetContext(kernel, streams, network, metrics, NodeFactory.STANDARD);
    for (FleetLayout.Membership m : layout.memberships()) {
      // Members stand for the replicas in the metrics; the Ratis servers do the work.
      new Member(context, agents.get(m.agent()), groupsByName.get(m.group()), m.voter());
    }
    this.links = radioLinks();
    for (Agent a : agents) {
      servers.add(new RatisAgent(a.name(), storage.resolve(a.name()), profile, LIMITS, links,
          timers));
    }
    this.leaders = new Member[groups.size()];
    this.everLed = new boolean[groups.size()];
    scheduleWorkload();
    scheduleBatteries(layout);
    scheduleFaults();
    kernel.after(bucket, scripted("sample metrics", this::sample));
    for (long t : List.of(duration / 6, duration / 2, duration * 5 / 6)) {
      kernel.at(t, scripted("draw map", this::snapshot));
    }
  }

  /**
   * Lays the scenario out; no server runs until {@link #run}. Each server keeps its log under
   * {@code storage}, which {@link #close} deletes.
   */
  public static RatisSimulation create(Scenario scenario, Path storage) {
    return new RatisSimulation(scenario, storage);
  }

  /**
   * The outcome of a run on this engine: the usual result, plus what only it measures.
   *
   * @param unprovokedElections leader changes that followed no scripted fault, battery or
   *     partition within a few election timeouts: ideally none
   * @param startSeconds wall time to start every server and group, before the world ran
   */
  public record Run(SimulationResult result, long unprovokedElections, ResourceUse resources,
      double startSeconds) {}

  /**
   * Starts every server, runs the world to the end of the scenario in wall-clock time, and
   * stops them.
   */
  public Run run(Progress progress) throws IOException {
    long startAt = System.nanoTime();
    startServers();
    double startSeconds = (System.nanoTime() - startAt) / 1e9;
    ResourceUse.Meter meter = new ResourceUse.Meter();
    long wallStart = System.nanoTime();
    long nextReport = 0;
    while (kernel.now() < duration) {
      long target = Math.min(duration, (System.nanoTime() - wallStart) / 1000);
      kernel.run(target, Long.MAX_VALUE, e -> { });
      links.refresh(kernel.now());
      watchLeaders();
      collect();
      if (kernel.now() >= nextReport) {
        meter.sample();
        progress.update(kernel.now(), kernel.eventNumber());
        nextReport = kernel.now() + SimTime.seconds(1);
      }
      long sleep = TICK - ((System.nanoTime() - wallStart) / 1000 - kernel.now());
      if (sleep > 0) {
        sleepMicros(sleep);
      }
    }
    ResourceUse used = meter.finish();
    double wall = (System.nanoTime() - wallStart) / 1e9;
    RunSummary summary = metrics.summarize(RunSummary.RATIS, scenario.name(), scenario.seed(),
        agents.size(), network, wall, kernel.eventNumber(), NO_TRACE, null);
    return new Run(new SimulationResult(summary, null, kernel.eventNumber(), List.of(), metrics),
        unprovoked, used, startSeconds);
  }

  /** The radio between every two agents that share a group. */
  private RadioLinks radioLinks() {
    List<int[]> pairs = new ArrayList<>();
    for (Group g : groups) {
      for (Member m : g.members()) {
        for (Member o : g.members()) {
          if (o.agent().id() < m.agent().id()) {
            pairs.add(new int[] {o.agent().id(), m.agent().id()});
          }
        }
      }
    }
    Map<RaftPeerId, Integer> agentOf = new HashMap<>();
    agents.forEach(a -> agentOf.put(RaftPeerId.valueOf(a.name()), a.id()));
    Map<ByteString, Integer> groupOf = new HashMap<>();
    for (int i = 0; i < groupIds.size(); i++) {
      groupOf.put(groupIds.get(i).toByteString(), i);
    }
    return new RadioLinks(agents, radio, partitions, pairs, agentOf, groupOf, groups.size());
  }

  private void startServers() throws IOException {
    links.refresh(0);
    parallel(servers.stream().map(s -> (Callable) s::start).toList());
    List<FleetGroup> fleetGroups = new ArrayList<>();
    for (Group g : groups) {
      List<FleetPeer> peers = new ArrayList<>();
      for (Member m : g.members()) {
        String name = m.agent().name();
        peers.add(m.isVoter() ? FleetPeer.voter(name, RADIO_ADDRESS)
            : FleetPeer.listener(name, RADIO_ADDRESS));
      }
      fleetGroups.add(new FleetGroup(g.name(), peers));
    }
    List<Callable> joins = new ArrayList<>();
    for (FleetGroup fg : fleetGroups) {
      for (FleetPeer p : fg.peers()) {
        joins.add(() -> servers.get(agentsByName.get(p.id()).id()).join(fg));
      }
    }
    parallel(joins);
    workload = new RatisWorkload(fleetGroups, profile.requestTimeout(), links);
  }

  // ---- Leadership and measurements ----------------------------------------------------

  /** Reads who leads each group and tells the metrics what changed. */
  private void watchLeaders() {
    for (Group g : groups) {
      Member leader = null;
      long term = -1;
      for (Member m : g.members()) {
        DivisionInfo info = servers.get(m.agent().id()).info(groupIds.get(g.index()));
        if (info != null && info.isLeader() && info.getCurrentTerm() > term) {
          leader = m;
          term = info.getCurrentTerm();
        }
      }
      Member was = leaders[g.index()];
      if (leader == was) {
        continue;
      }
      leaders[g.index()] = leader;
      workload.leaderIs(g.index(), leader == null ? null : leader.agent().name());
      if (leader == null) {
        metrics.lostLeadership(was);
        continue;
      }
      if (everLed[g.index()] && !afterFault()) {
        unprovoked++;
      }
      everLed[g.index()] = true;
      metrics.becameLeader(leader);
    }
  }

  private boolean afterFault() {
    long now = kernel.now();
    return faultTimes.stream().anyMatch(t -> t <= now && now - t <= faultShadow);
  }

  /** Moves finished writes and radio counts into the metrics, on the simulation thread. */
  private void collect() {
    for (RatisWorkload.Outcome o : workload.drain()) {
      Member client = groups.get(o.group()).member(0);
      if (o.ok()) {
        metrics.proposalCommitted(client, o.micros());
      }
      metrics.requestDone(client, true, o.ok(), o.micros());
    }
    for (Group g : groups) {
      network.tally(g, 0, links.take(g.index(), RadioLinks.DELIVERED));
      network.tally(g, RadioModel.LOST, links.take(g.index(), RadioLinks.LOST));
      network.tally(g, RadioModel.OUT_OF_RANGE, links.take(g.index(), RadioLinks.OUT_OF_RANGE));
      network.tally(g, RadioModel.CUT, links.take(g.index(), RadioLinks.CUT));
    }
  }

  // ---- World: workload, faults, batteries ---------------------------------------------

  /**
   * Each member writes its presence every keep-alive and claims at the scenario's rate; a
   * council member reports every {@code reportEvery}. Writes go out as a Poisson stream per
   * group at the sum of its members' rates.
   */
  private void scheduleWorkload() {
    Scenario.Workload w = scenario.workload();
    for (Group g : groups) {
      double perSecond;
      if (g.isCouncil()) {
        perSecond = g.members().size() / (scenario.council().reportEvery().micros() / 1e6);
      } else {
        perSecond = g.members().size() * (1e6 / w.presence().keepAlive().micros()
            + w.claims().perMinute() / 60);
      }
      if (perSecond > 0) {
        nextWrite(g, perSecond, streams.stream("ratis-work/" + g.name()));
      }
    }
  }

  private void nextWrite(Group g, double perSecond, SplittableRandom random) {
    long gap = (long) (-Math.log(1 - random.nextDouble()) / perSecond * 1e6);
    kernel.after(gap, scripted("write to " + g.name(), () -> {
      Member m = g.member(random.nextInt(g.members().size()));
      if (m.agent().isUp()) {
        workload.write(g.index(), m.agent().name());
      }
      nextWrite(g, perSecond, random);
    }));
  }

  private void scheduleFaults() {
    for (Fault f : scenario.faults()) {
      long at = f.at().micros();
      switch (f.type()) {
        case "crash" -> crashAt(at, f, () -> agentsByName.get(f.agent()));
        case "crash-leader" -> crashAt(at, f, () -> {
          Member leader = leaders[groupsByName.get(f.group()).index()];
          return leader == null ? null : leader.agent();
        });
        case "transfer-leader" -> kernel.at(at, scripted("transfer " + f.group(), () -> {
          Member leader = leaders[groupsByName.get(f.group()).index()];
          if (leader != null) {
            transferLeadership(leader);
          }
        }));
        case "isolate" -> {
          int[] ids = f.agents().stream().mapToInt(n -> agentsByName.get(n).id()).toArray();
          kernel.at(at, scripted("isolate " + f.agents(), () -> partitions.isolate(ids)));
          if (f.duration() != null) {
            kernel.at(at + f.duration().micros(),
                scripted("heal " + f.agents(), () -> partitions.heal(ids)));
          }
        }
        case "isolate-region" -> {
          double[][] handle = new double[1][];
          var reg = f.region();
          kernel.at(at, scripted("isolate region",
              () -> handle[0] = partitions.isolateRegion(reg.x(), reg.y(), reg.radius())));
          if (f.duration() != null) {
            kernel.at(at + f.duration().micros(),
                scripted("heal region", () -> partitions.healRegion(handle[0])));
          }
        }
        default -> throw new IllegalStateException("validated fault type " + f.type());
      }
    }
  }

  private void crashAt(long at, Fault f, Supplier<Agent> who) {
    kernel.at(at, scripted("fault " + f.type(), () -> {
      Agent a = who.get();
      if (a == null || !a.isUp()) {
        return;
      }
      crash(a);
      if (f.rebootAfter() != null) {
        kernel.after(f.rebootAfter().micros(), scripted("reboot " + a.name(), () -> reboot(a)));
      }
    }));
  }

  /** Closes the agent's server: its replicas stop, their logs stay on disk. */
  private void crash(Agent a) {
    a.crash();
    // Its leadership ends now, not when the next look at the servers finds it gone.
    for (int g = 0; g < leaders.length; g++) {
      if (leaders[g] != null && leaders[g].agent() == a) {
        metrics.lostLeadership(leaders[g]);
        leaders[g] = null;
        workload.leaderIs(g, null);
      }
    }
    servers.get(a.id()).crash();
  }

  private void reboot(Agent a) {
    a.reboot();
    servers.get(a.id()).reboot();
  }

  /** Asks Ratis to hand leadership to another voter that is up, without waiting for it. */
  private void transferLeadership(Member leader) {
    RaftServer server = servers.get(leader.agent().id()).ratis();
    Member to = leader.group().members().stream()
        .filter(m -> m != leader && m.isVoter() && m.agent().isUp()).findFirst().orElse(null);
    if (server == null || to == null) {
      return;
    }
    try {
      server.transferLeadershipAsync(new TransferLeadershipRequest(ClientId.randomId(),
          server.getId(), groupIds.get(leader.group().index()), 1,
          RaftPeerId.valueOf(to.agent().name()),
          2 * profile.electionTimeoutMax().toMillis()));
    } catch (IOException e) {
      // The leader is going away anyway; the group elects without the hand-over.
    }
  }

  private void scheduleBatteries(FleetLayout layout) {
    for (FleetLayout.Placed p : layout.agents()) {
      if (p.battery() <= 0) {
        continue;
      }
      Agent a = agentsByName.get(p.name());
      SplittableRandom random = streams.stream("battery/" + a.name());
      long empty = (long) (p.battery() * (1 - 0.1 * random.nextDouble()));
      kernel.at(Math.max(0, empty - SimTime.seconds(60)), scripted("battery low " + a.name(),
          () -> {
            for (Member m : leaders) {
              if (m != null && m.agent() == a) {
                transferLeadership(m);
              }
            }
          }));
      kernel.at(empty, scripted("battery empty " + a.name(), () -> {
        if (a.isUp()) {
          crash(a);
        }
      }));
    }
  }

  // ---- Report -------------------------------------------------------------------------

  private void sample() {
    metrics.sample();
    if (kernel.now() + metrics.bucket() <= duration) {
      kernel.after(metrics.bucket(), scripted("sample metrics", this::sample));
    }
  }

  private void snapshot() {
    long now = kernel.now();
    List<MapSnapshot.Dot> dots = new ArrayList<>();
    for (Agent a : agents) {
      Position p = a.at(now);
      boolean leads = Stream.of(leaders).anyMatch(m -> m != null && m.agent() == a);
      dots.add(new MapSnapshot.Dot(a.name(), p.x, p.y, squadOf.get(a.id()), a.isUp(), leads));
    }
    List<MapSnapshot.Link> drawn = new ArrayList<>();
    for (Member leader : leaders) {
      if (leader == null) {
        continue;
      }
      Position lp = leader.agent().at(now);
      for (Member m : leader.group().members()) {
        Position mp = m.agent().at(now);
        double d = Math.hypot(lp.x - mp.x, lp.y - mp.y);
        double range = Math.min(leader.agent().range(), m.agent().range());
        if (m != leader && m.agent().isUp() && d <= range && !partitions.separated(
            leader.agent().id(), lp.x, lp.y, m.agent().id(), mp.x, mp.y)) {
          drawn.add(new MapSnapshot.Link(lp.x, lp.y, mp.x, mp.y, radio.lossAt(d, range)));
        }
      }
    }
    metrics.addMap(new MapSnapshot(now, dots, drawn));
  }

  private Event scripted(String what, Runnable action) {
    boolean fault = !what.startsWith("write") && !what.startsWith("sample")
        && !what.startsWith("draw");
    return new Event() {
      @Override
      protected void fire() {
        if (fault) {
          faultTimes.add(kernel.now());
        }
        action.run();
      }

      @Override
      protected long fingerprint() {
        return TraceHash.mix(200, what.hashCode());
      }

      @Override
      public String describe() {
        return what;
      }
    };
  }

  // ---- Plumbing -----------------------------------------------------------------------

  /** An I/O step run on a small pool: starting hundreds of servers one by one is slow. */
  @FunctionalInterface
  private interface Callable {
    void call() throws IOException;
  }

  private static void parallel(List<Callable> steps) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Callable c : steps) {
        futures.add(pool.submit(() -> {
          c.call();
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting servers", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleepMicros(long micros) {
    try {
      TimeUnit.MICROSECONDS.sleep(micros);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    }
  }

  /** Stops every server and client, uninstalls the radio and deletes the servers' storage. */
  @Override
  public void close() throws IOException {
    if (workload != null) {
      workload.close();
    }
    try {
      servers.forEach(RatisAgent::crash);
      parallel(servers.stream().map(s -> (Callable) s::awaitClosed).toList());
    } finally {
      timers.shutdownNow();
      if (Files.exists(storage)) {
        try (Stream<Path> files = Files.walk(storage)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
