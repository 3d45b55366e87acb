package io.flotilla.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flotilla.agent.LocalPorts;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.StatusReply;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.agent.config.SquadsAndCouncil;
import io.flotilla.agent.trust.FleetCa;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fleet of agent-node processes on this machine (separate JVMs on loopback), described by
 * {@code fleet.json} in its directory so that a later command can find and stop it.
 */
final class ProcessFleet {
  static final String GROUP = "fleet";
  /**
   * Hands the C library's freed native memory back to the system every 10 s. What the JIT
   * compilers and the start-up allocate and free stays in the process otherwise (a fifth of an
   * idle agent's resident memory); one wake-up in 10 s costs an idle agent nothing it would
   * notice. Experimental in JDK 17, a product option from 21 on (the first option is then
   * harmless); the launcher passes the same to `node run`.
   */
  static final List<String> NATIVE_HEAP_TRIM = List.of("-XX:+UnlockExperimentalVMOptions",
      "-XX:TrimNativeHeapInterval=10000");
  /** The name of the client certificate a TLS fleet's own commands use. */
  static final String OPERATOR = "operator";
  /** How long a fleet of several groups waits for each group's leader before the next starts. */
  private static final Duration GROUP_START_WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One agent process: its addresses, files and (while running) pid. */
  static final class Agent {
    public String id;
    public String raft;
    public String api;
    public String metrics;
    public String config;
    public String log;
    public long pid;
    /** The group it belongs to. */
    public String group = GROUP;
    /** Its role in the group when the fleet started: voter or listener. */
    public String role = "voter";
    /** The operator's TLS files for talking to this agent; null for a plaintext fleet. */
    public ClientFiles tls;

    @JsonIgnore
    Optional<ProcessHandle> process() {
      return pid == 0 ? Optional.empty() : ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }
  }

  /** A client's TLS files: the fleet CA, its certificate chain and its key. */
  record ClientFiles(String ca, String cert, String key) {}

  /** What fleet.json holds. */
  static final class State {
    public String group = GROUP;
    public List<Agent> agents = new ArrayList<>();
  }

  private final Path dir;
  private final State state;

  private ProcessFleet(Path dir, State state) {
    this.dir = dir;
    this.state = state;
  }

  List<Agent> agents() {
    return state.agents;
  }

  Agent agent(String id) {
    return state.agents.stream().filter(a -> a.id.equals(id)).findFirst()
        .orElseThrow(() -> CliException.usage("no agent " + id + " in " + dir));
  }

  String endpoints() {
    return String.join(",", state.agents.stream().map(a -> a.api).toList());
  }

  /** Writes configs for {@code n} agents with free loopback ports and starts them all. */
  static ProcessFleet up(Path dir, int n, String profile) throws IOException {
    return up(dir, Topology.single(n), profile, false);
  }

  static ProcessFleet up(Path dir, int n, String profile, boolean tls) throws IOException {
    return up(dir, Topology.single(n), profile, tls);
  }

  /**
   * @param tls run the fleet under mutual TLS: a fleet CA in {@code dir/certs}, a certificate
   *     for each agent, and one for the operator ({@code operator}), which this fleet's
   *     commands use
   */
  static ProcessFleet up(Path dir, Topology topology, String profile, boolean tls)
      throws IOException {
    if (Files.exists(dir.resolve("fleet.json")) && load(dir).state.agents.stream()
        .anyMatch(a -> a.process().isPresent())) {
      throw CliException.usage("a fleet is already running in " + dir + " (flotilla fleet down --dir " + dir + ")");
    }
    Files.createDirectories(dir);
    State s = new State();
    s.agents.addAll(layout(dir, topology));
    if (tls) {
      issueCertificates(dir, s.agents);
    }
    List<AgentFile> files = agentFiles(dir, topology, profile, s.agents);
    for (int i = 0; i < files.size(); i++) {
      files.get(i).write(Path.of(s.agents.get(i).config));
    }
    ProcessFleet fleet = new ProcessFleet(dir, s);
    // Group by group, the council first: a JVM's start takes seconds of CPU, and dozens at once
    // on a small machine delay heartbeats enough for every group's elections to flap.
    List<String> order = new ArrayList<>(fleet.groups());
    if (order.remove(SquadsAndCouncil.COUNCIL)) {
      order.add(0, SquadsAndCouncil.COUNCIL);
    }
    for (String group : order) {
      for (Agent a : s.agents) {
        if (a.group.equals(group)) {
          fleet.start(a);
        }
      }
      if (order.size() > 1) {
        fleet.awaitLeader(group, GROUP_START_WAIT);
      }
    }
    return fleet;
  }

  /** The agents of a topology, each on free local ports, with its files in {@code dir}. */
  static List<Agent> layout(Path dir, Topology topology) throws IOException {
    int n = topology.agents() + topology.councilStations();
    int[] ports = LocalPorts.free(3 * n);
    List<Agent> agents = new ArrayList<>();
    int[] inSquad = new int[topology.squads() + 1];
    for (int i = 0; i < n; i++) {
      Agent a = new Agent();
      boolean ground = i >= topology.agents();
      a.id = ground ? "ground-" + (i - topology.agents() + 1) : "agent-" + (i + 1);
      if (ground) {
        a.group = SquadsAndCouncil.COUNCIL;
      } else if (topology.squads() > 0) {
        int squad = topology.squadOf(i);
        a.group = "squad-" + squad;
        a.role = inSquad[squad]++ < topology.voters() ? "voter" : "listener";
      }
      a.raft = "127.0.0.1:" + ports[3 * i];
      a.api = "127.0.0.1:" + ports[3 * i + 1];
      a.metrics = "127.0.0.1:" + ports[3 * i + 2];
      a.config = dir.resolve(a.id + ".yaml").toString();
      a.log = dir.resolve(a.id + ".log").toString();
      agents.add(a);
    }
    return agents;
  }

  /** Each agent's config file, in order: its group, its group's duties, its TLS files. */
  static List<AgentFile> agentFiles(Path dir, Topology topology, String profile,
      List<Agent> agents) {
    List<AgentFile.Member> council = agents.stream()
        .filter(a -> a.group.equals(SquadsAndCouncil.COUNCIL))
        .map(a -> AgentFile.Member.voter(a.id, a.raft)).toList();
    List<AgentFile> files = new ArrayList<>();
    for (Agent a : agents) {
      AgentFile.Group group = group(a.group,
          agents.stream().filter(m -> m.group.equals(a.group)).toList());
      if (topology.squads() > 0) {
        group = group.withVoters(a.group.equals(SquadsAndCouncil.COUNCIL)
            ? council.size() : topology.voters());
      }
      if (!council.isEmpty() && !a.group.equals(SquadsAndCouncil.COUNCIL)) {
        group = group.withForward(SquadsAndCouncil.forward(council));
      }
      files.add(agentFile(dir, a, profile, group));
    }
    return files;
  }

  /**
   * Starts one more agent that joins the running group as a new member: it waits, with an
   * empty replica, for an operator to add it ({@code flotilla member add}).
   */
  Agent join(String id, String profile) throws IOException {
    int[] ports = LocalPorts.free(3);
    Agent a = new Agent();
    a.id = id;
    a.raft = "127.0.0.1:" + ports[0];
    a.api = "127.0.0.1:" + ports[1];
    a.metrics = "127.0.0.1:" + ports[2];
    a.config = dir.resolve(id + ".yaml").toString();
    a.log = dir.resolve(id + ".log").toString();
    if (tls().isPresent()) {
      issueCertificates(dir, List.of(a));
    }
    agentFile(dir, a, profile, group(a.group, state.agents).joining()).write(Path.of(a.config));
    state.agents.add(a);
    start(a);
    return a;
  }

  /** A fleet CA in {@code dir/certs}, each agent's certificate, and the operator's. */
  static void issueCertificates(Path dir, List<Agent> agents) {
    Path certs = dir.toAbsolutePath().resolve("certs");
    FleetCa ca = Files.exists(certs.resolve(FleetCa.CA_CERTIFICATE))
        ? FleetCa.load(certs) : FleetCa.init(certs);
    for (Agent a : agents) {
      if (!Files.exists(certs.resolve(a.id + ".pem"))) {
        ca.issue(a.id, List.of(), Duration.ofDays(365), certs);
      }
    }
    if (!Files.exists(certs.resolve(OPERATOR + ".pem"))) {
      ca.issue(OPERATOR, List.of(), Duration.ofDays(365), certs);
    }
    ClientFiles operator = new ClientFiles(certs.resolve(FleetCa.CA_CERTIFICATE).toString(),
        certs.resolve(OPERATOR + ".pem").toString(), certs.resolve(OPERATOR + ".key").toString());
    agents.forEach(a -> a.tls = operator);
  }

  static AgentFile.Group group(String name, List<Agent> members) {
    return AgentFile.Group.of(name, members.stream()
        .map(m -> AgentFile.Member.withRole(m.id, m.raft, m.role)).toList());
  }

  /** The config file of agent {@code a}, a member of {@code group} (or joining it). */
  static AgentFile agentFile(Path dir, Agent a, String profile, AgentFile.Group group) {
    AgentFile.Builder f = AgentFile.builder(a.id, dir.resolve(a.id + "-data").toString(),
        a.raft, a.api, a.metrics).profile(profile).groups(group);
    if (a.group.equals(SquadsAndCouncil.COUNCIL)) {
      f.kind("ground");
    }
    if (a.tls != null) {
      Path certs = Path.of(a.tls.ca()).getParent();
      f.tls(new AgentFile.Tls(a.tls.ca(), certs.resolve(a.id + ".pem").toString(),
          certs.resolve(a.id + ".key").toString()));
    }
    return f.build();
  }

  static ProcessFleet load(Path dir) throws IOException {
    Path file = dir.resolve("fleet.json");
    if (!Files.exists(file)) {
      throw CliException.usage("no fleet in " + dir + " (no fleet.json)");
    }
    return new ProcessFleet(dir, JSON.readValue(file.toFile(), State.class));
  }

  /**
   * The JVM options of agent processes started from this command: FLOTILLA_NODE_JAVA_OPTS, or a
   * heap of 32 to 256 MB with the serial collector (an idle agent needs far less than the
   * default heap, and the serial collector runs no extra threads) and no performance-data
   * sampler (it wakes the JVM 20 times a second, for jstat, where agents are watched through
   * their metrics); and the class-data archive named by FLOTILLA_CDS_ARCHIVE. Before them all,
   * {@link #NATIVE_HEAP_TRIM}, which FLOTILLA_NODE_JAVA_OPTS can override.
   */
  static List<String> nodeJavaOptions() {
    String opts = System.getenv().getOrDefault("FLOTILLA_NODE_JAVA_OPTS",
        "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:-UsePerfData");
    List<String> all = new ArrayList<>(NATIVE_HEAP_TRIM);
    Stream.of(opts.trim().split("\\s+")).filter(o -> !o.isEmpty()).forEach(all::add);
    // The launcher's class-data archive of an agent (see ./flotilla), when it has one.
    String cds = System.getenv("FLOTILLA_CDS_ARCHIVE");
    if (cds != null && Files.isRegularFile(Path.of(cds))) {
      all.addAll(List.of("-XX:SharedArchiveFile=" + cds, "-Xlog:cds=off",
          "-Xlog:cds+dynamic=off"));
    }
    return all;
  }

  /** Starts (or restarts) an agent's process from its config; its output goes to its log. */
  void start(Agent a) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(nodeJavaOptions());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Flotilla.class.getName(),
        "node", "run", "--config", a.config));
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(a.log).toFile()))
        .start();
    a.pid = p.pid();
    save();
  }

  /** kill -9: the process gets no chance to hand off leadership or flush anything. */
  void kill(Agent a) throws InterruptedException {
    Optional<ProcessHandle> p = a.process();
    if (p.isPresent()) {
      p.get().destroyForcibly();
      p.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  /**
   * SIGSTOP: the agent keeps its sockets open and answers nothing until it is killed.
   *
   * @throws IllegalStateException when the signal cannot be sent
   */
  void silence(Agent a) throws InterruptedException {
    Optional<ProcessHandle> p = a.process();
    if (p.isPresent()) {
      try {
        int exit = new ProcessBuilder("kill", "-STOP", Long.toString(p.get().pid()))
            .redirectErrorStream(true).start().waitFor();
        if (exit != 0) {
          throw new IllegalStateException("kill -STOP " + p.get().pid() + " exited " + exit);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run kill -STOP: " + e.getMessage(), e);
      }
    }
  }

  /** SIGTERM every agent, wait for graceful exits, then kill what is left. */
  void down(Duration grace) throws IOException {
    List<ProcessHandle> running = state.agents.stream().flatMap(a -> a.process().stream()).toList();
    running.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle p : running) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        p.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    state.agents.forEach(a -> a.pid = 0);
    save();
  }

  private void save() throws IOException {
    JSON.writeValue(dir.resolve("fleet.json").toFile(), state);
  }

  /** The agent that leads the fleet's group, as the first reachable agent that says so. */
  Optional<String> leader(Duration rpcTimeout) {
    for (Agent a : state.agents) {
      if (a.process().isEmpty()) {
        continue;
      }
      Optional<StatusReply> s = status(a, rpcTimeout);
      if (s.isPresent() && s.get().getGroupsCount() > 0
          && s.get().getGroups(0).getRole().equals("LEADER")) {
        return Optional.of(a.id);
      }
    }
    return Optional.empty();
  }

  /** The groups of the fleet, in the order their agents were started. */
  List<String> groups() {
    return state.agents.stream().map(a -> a.group).distinct().toList();
  }

  /** The agent leading {@code group}, as the first of its reachable agents that says so. */
  Optional<String> leader(String group, Duration rpcTimeout) {
    for (Agent a : state.agents) {
      if (!a.group.equals(group) || a.process().isEmpty()) {
        continue;
      }
      Optional<StatusReply> s = status(a, rpcTimeout);
      if (s.isPresent() && s.get().getGroupsList().stream().anyMatch(
          g -> g.getGroup().equals(group) && g.getRole().equals("LEADER"))) {
        return Optional.of(a.id);
      }
    }
    return Optional.empty();
  }

  /** Waits up to {@code timeout} for {@code group} to have a leader. */
  private Optional<String> awaitLeader(String group, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> l = leader(group, Duration.ofMillis(500));
      if (l.isPresent()) {
        return l;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Waits until every group has a leader.
   *
   * @return each group's leader; groups without one when the time ran out are left out
   */
  Map<String, String> awaitLeaders(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> leaders = new LinkedHashMap<>();
    while (true) {
      for (String g : groups()) {
        if (!leaders.containsKey(g)) {
          leader(g, Duration.ofMillis(500)).ifPresent(l -> leaders.put(g, l));
        }
      }
      if (leaders.size() == groups().size() || System.nanoTime() >= deadline) {
        return leaders;
      }
      Thread.sleep(20);
    }
  }

  Optional<String> awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> l = leader(Duration.ofMillis(500));
      if (l.isPresent()) {
        return l;
      }
      Thread.sleep(20);
    }
    return Optional.empty();
  }

  /** The commit index the agent {@code leader} reports for the fleet's group. */
  long committed(String leader) {
    return status(agent(leader), Duration.ofSeconds(5))
        .map(st -> st.getGroups(0).getCommitIndex())
        .orElseThrow(() -> CliException.refused("leader " + leader + " stopped answering"));
  }

  /**
   * Waits until {@code agent} has applied {@code index} in the fleet's group.
   *
   * @return the milliseconds it took
   */
  static double awaitApplied(Agent agent, long index, Duration wait) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<StatusReply> st = status(agent, Duration.ofMillis(500));
      if (st.isPresent() && st.get().getGroupsCount() > 0
          && st.get().getGroups(0).getAppliedIndex() >= index) {
        return (System.nanoTime() - t0) / 1e6;
      }
      Thread.sleep(20);
    }
    throw CliException.refused(agent.id + " did not catch up within "
        + DurationConverter.format(wait));
  }

  /** The operator's TLS files when the fleet runs under mutual TLS. */
  Optional<ClientFiles> tls() {
    return state.agents.stream().map(a -> a.tls).filter(Objects::nonNull).findFirst();
  }

  static Optional<StatusReply> status(Agent a, Duration timeout) {
    int colon = a.api.lastIndexOf(':');
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(a.api.substring(0, colon),
        Integer.parseInt(a.api.substring(colon + 1)));
    Optional<SslContext> tls = a.tls == null ? Optional.empty()
        : ClientTls.of(a.tls.ca(), a.tls.cert(), a.tls.key());
    tls.ifPresentOrElse(b::sslContext, b::usePlaintext);
    ManagedChannel ch = b.build();
    try {
      return Optional.of(StatusGrpc.newBlockingStub(ch)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .status(StatusCall.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    } finally {
      ch.shutdownNow();
    }
  }

  /** Removes a directory a fleet ran in, with everything in it. */
  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
