package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.agent.LocalPorts;
import io.flotilla.cli.grpc.AgentChannels;
import io.flotilla.cli.bench.Benchmark;
import io.flotilla.cli.bench.CounterFleet;
import io.flotilla.cli.bench.EtcdFleet;
import io.flotilla.cli.bench.FailoverSummary;
import io.flotilla.cli.bench.Failovers;
import io.flotilla.cli.bench.Footprint;
import io.flotilla.cli.bench.IntervalLog;
import io.flotilla.cli.bench.KeySpace;
import io.flotilla.cli.bench.LatencySummary;
import io.flotilla.cli.bench.Operation;
import io.flotilla.cli.bench.RunResult;
import io.flotilla.cli.bench.WorkloadMix;
import io.flotilla.consensus.server.TuningProfile;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla bench}: throughput, latency percentiles and failover time of a fleet of
 * agent-node processes on this machine (or of a running fleet), optionally beside a plain Ratis
 * baseline run the same way. Exit 0 when the run completed, 1 when the fleet failed it, 2 for a
 * bad command line.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Start a fleet of agent-node processes on loopback (or use --endpoints), send a workload",
        "through the agents' gRPC API for a warm-up and then a measured duration, and print",
        "throughput and latency percentiles. --baseline ratis runs the same workload against a",
        "plain Ratis counter group with the same Ratis settings and prints the ratio;",
        "--baseline etcd does so against an etcd cluster of as many members (etcd from the PATH,",
        "Debian's etcd-server, with its default timing) or the one at --etcd-endpoints;",
        "--failover N kills the leader (kill -9) N times under load and reports how long writes",
        "stopped; with --fault silence the leader is stopped (SIGSTOP) instead, so nothing",
        "answers on its open connections, as when a drone loses power or flies out of range.",
        "Interval histograms go to an HDR log for plotting.",
        "",
        "Workloads: put, txn (compare-and-swap), get (linearizable), local-get (leader-local),",
        "stale-get, mix (" + WorkloadMix.PRESET + "), or weights like put=70,get=30.",
        "",
        "Examples:",
        "  flotilla bench --baseline ratis",
        "  flotilla bench --baseline etcd --clients 1 --in-flight 16",
        "  flotilla bench --clients 1 --in-flight 1 --duration 20s",
        "  flotilla bench --workload mix --failover 10 --profile radio -o json",
        "  flotilla bench --footprint --duration 30s"})
final class BenchCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(60);

  enum Baseline { none, ratis, etcd }

  @Spec CommandSpec spec;

  @Option(names = "--workload", defaultValue = "put", paramLabel = "SPEC",
      description = "Operation, mix, or OP=WEIGHT,... (default ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class,
      description = "Measured time (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class,
      description = "Load before measuring, not counted (default ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--clients", defaultValue = "4",
      description = "Clients, spread over the agents (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--in-flight", defaultValue = "16",
      description = "Requests each client keeps outstanding (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--value-size", defaultValue = "16", paramLabel = "BYTES",
      description = "Bytes per written value (default ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--agents", defaultValue = "3",
      description = "Agent processes to start, all voters (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--profile", defaultValue = "lan",
      description = "lan or radio: the fleet's (and baseline's) timing (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT",
      description = "Bench a running fleet through these agents instead of starting one.")
  List<String> endpoints;

  @Option(names = "--group", defaultValue = "",
      description = "Raft group of a running fleet (default: each agent's first group).")
  String group;

  @Option(names = "--baseline", defaultValue = "none",
      description = "Also run the workload against plain Ratis or etcd: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  Baseline baseline;

  @Option(names = "--etcd-endpoints", split = ",", paramLabel = "HOST:PORT",
      description = "With --baseline etcd: a running etcd cluster's client endpoints, instead "
          + "of starting one.")
  List<String> etcdEndpoints;

  @Option(names = "--rounds", defaultValue = "5",
      description = "With --baseline: turns each system takes, measured for DURATION/ROUNDS each (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--failover", defaultValue = "0", paramLabel = "N",
      description = "Kill -9 the leader N times under load and time the recovery of writes.")
  int failover;

  @Option(names = "--fault", defaultValue = "kill",
      description = "With --failover: kill (kill -9, sockets closed) or silence (SIGSTOP, "
          + "sockets open and silent, then kill -9) (default ${DEFAULT-VALUE}).")
  FaultFlag fault;

  /** {@link Failovers.Fault} as the command line spells it. */
  enum FaultFlag { kill, silence }

  @Option(names = "--tls",
      description = "Run the fleet it starts under mutual TLS (see fleet up --tls).")
  boolean tls;

  @Option(names = "--footprint",
      description = "Measure one idle agent instead: launch to ready, then its resident memory "
          + "and threads after DURATION idle.")
  boolean footprint;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Deadline of each request (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--hdr-log", defaultValue = "flotilla-bench.hlog", paramLabel = "FILE",
      description = "HDR histogram log of the run (default ${DEFAULT-VALUE}).")
  Path hdrLog;

  @Option(names = "--dir", description = "Where fleets keep data and logs (default: a temporary directory, removed after).")
  Path dir;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  ClientOptions.Format output;

  @Override
  public Integer call() throws Exception {
    WorkloadMix mix = checkFlags();
    TuningProfile tuning = TuningProfile.valueOf(profile.toUpperCase(Locale.ROOT));
    Benchmark.Settings settings = new Benchmark.Settings(mix, new KeySpace(keys, valueSize),
        clients, inFlight, warmup, duration, rounds, timeout, WAIT);
    boolean temporary = dir == null;
    Path home = temporary ? Files.createTempDirectory("flotilla-bench") : dir;
    if (footprint) {
      try {
        footprint(home);
        return 0;
      } finally {
        if (temporary) {
          ProcessFleet.deleteTree(home);
        }
      }
    }
    try (IntervalLog log = IntervalLog.open(hdrLog)) {
      if (endpoints != null) {
        try (AgentChannels channels = new AgentChannels(endpoints, Optional.empty())) {
          run(settings, tuning, home, log, channels, List.of(), null);
        }
        return 0;
      }
      ProcessFleet fleet = ProcessFleet.up(home.resolve("fleet"), agents, profile, tls);
      try (FleetShutdown ignored = new FleetShutdown(fleet)) {
        fleet.awaitLeader(WAIT).orElseThrow(() -> CliException.refused(
            "no leader within " + DurationConverter.format(WAIT) + "; see the logs in " + home));
        Optional<SslContext> operator = fleet.tls().flatMap(
            t -> ClientTls.of(t.ca(), t.cert(), t.key()));
        try (AgentChannels channels = new AgentChannels(
            List.of(fleet.endpoints().split(",")), operator)) {
          run(settings, tuning, home, log, channels,
              fleet.agents().stream().flatMap(a -> a.process().stream()).toList(),
              new ProcessFleetControl(fleet));
        }
      }
      return 0;
    } finally {
      if (temporary) {
        ProcessFleet.deleteTree(home);
      }
    }
  }

  /** One agent alone: launch to ready, then its memory and threads after DURATION idle. */
  private void footprint(Path home) throws Exception {
    long launchedAt = System.nanoTime();
    ProcessFleet fleet = ProcessFleet.up(home.resolve("fleet"), 1, profile);
    try (FleetShutdown ignored = new FleetShutdown(fleet)) {
      ProcessFleet.Agent agent = fleet.agents().get(0);
      ProcessHandle process = agent.process().orElseThrow(() -> CliException.refused(
          "the agent exited at once; see " + agent.log));
      Footprint f;
      try {
        f = Footprint.measure(process, launchedAt, agent.metrics, duration, WAIT);
      } catch (IllegalStateException e) {
        throw CliException.refused(e.getMessage() + "; see " + agent.log);
      }
      String options = String.join(" ", ProcessFleet.nodeJavaOptions());
      ObjectNode json = Output.JSON.objectNode();
      json.putObject("footprint").put("ready_ms", f.readyMillis())
          .put("idle_rss_bytes", f.idleRssBytes()).put("threads", f.threads())
          .put("idle_ms", duration.toMillis()).put("profile", profile)
          .put("java_options", options);
      Output.Table table = new Output.Table("AGENT", "READY MS", "IDLE RSS MB", "THREADS")
          .row(agent.id, f.readyMillis(), f.idleRssBytes() < 0 ? "-"
              : String.format(Locale.ROOT, "%.1f", f.idleRssBytes() / 1048576.0), f.threads());
      table.note("").note("ready: from launching the process to the first 200 from /readyz; "
          + "memory and threads after " + DurationConverter.format(duration) + " idle");
      table.note("agent JVM options: " + options + " (FLOTILLA_NODE_JAVA_OPTS)");
      Output.print(spec.commandLine().getOut(), output, json, table);
    }
  }

  private void run(Benchmark.Settings settings, TuningProfile tuning, Path home, IntervalLog log,
      AgentChannels channels, List<ProcessHandle> agentProcesses, Failovers.Fleet killable)
      throws Exception {
    try (Benchmark.Target ours = Benchmark.fleet(settings, channels, group, agentProcesses)) {
      if (failover > 0) {
        Benchmark.FailoverRun run = Benchmark.failovers(settings, ours, log,
            new Failovers(killable, channels, group, settings.keys(), timeout, WAIT,
                Failovers.Fault.valueOf(fault.name().toUpperCase(Locale.ROOT))), failover);
        print(settings.mix(), channels.endpoints(), List.of(run.result()), run.failover());
      } else if (baseline == Baseline.etcd) {
        try (EtcdBaseline etcd = etcd(home.resolve("etcd"));
            Benchmark.Target theirs = Benchmark.etcd(settings, etcd.channels(),
                etcd.processes())) {
          print(settings.mix(), channels.endpoints(),
              Benchmark.run(settings, List.of(ours, theirs), log), null);
        }
      } else if (baseline == Baseline.ratis) {
        try (CounterFleet counters = CounterFleet.up(home.resolve("baseline"),
                LocalPorts.free(agents), tuning, ProcessFleet.nodeJavaOptions());
            Benchmark.Target theirs = Benchmark.baseline(settings, counters,
                tuning.attemptTimeout())) {
          print(settings.mix(), channels.endpoints(),
              Benchmark.run(settings, List.of(ours, theirs), log), null);
        }
      } else {
        print(settings.mix(), channels.endpoints(), Benchmark.run(settings, List.of(ours), log),
            null);
      }
    } catch (IllegalStateException e) {
      throw CliException.refused(e.getMessage());
    }
  }

  private WorkloadMix checkFlags() {
    WorkloadMix mix;
    try {
      mix = WorkloadMix.parse(workload);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--workload: " + e.getMessage());
    }
    if (clients < 1 || inFlight < 1 || keys < 1 || rounds < 1 || valueSize < 0) {
      throw CliException.usage(
          "--clients, --in-flight, --keys and --rounds must be at least 1, --value-size 0 or more");
    }
    if (duration.isZero() || timeout.isZero()) {
      throw CliException.usage("--duration and --timeout must be above zero");
    }
    if (agents < 1 || agents > 9) {
      throw CliException.usage("--agents must be 1 to 9");
    }
    if (!profile.equals("lan") && !profile.equals("radio")) {
      throw CliException.usage("--profile must be lan or radio");
    }
    if (failover < 0) {
      throw CliException.usage("--failover must be 0 or more");
    }
    if (fault != FaultFlag.kill && failover == 0) {
      throw CliException.usage("--fault goes with --failover");
    }
    if (failover > 0 && (endpoints != null || baseline != Baseline.none || agents < 3)) {
      throw CliException.usage("--failover needs a fleet it starts itself (no --endpoints), "
          + "of at least 3 agents, and no --baseline");
    }
    if (tls && (endpoints != null || baseline != Baseline.none || footprint)) {
      throw CliException.usage("--tls runs the fleet the bench starts under TLS: no --endpoints, "
          + "--baseline or --footprint");
    }
    if (footprint && (endpoints != null || baseline != Baseline.none || failover > 0)) {
      throw CliException.usage("--footprint starts one agent of its own: no --endpoints, "
          + "--baseline or --failover");
    }
    if (etcdEndpoints != null && baseline != Baseline.etcd) {
      throw CliException.usage("--etcd-endpoints goes with --baseline etcd");
    }
    if (baseline == Baseline.etcd && mix.weights().containsKey(Operation.LOCAL_GET)) {
      throw CliException.usage("--baseline etcd: etcd has no leader-local read (local-get)");
    }
    if (endpoints != null) {
      Api.check(endpoints);
    }
    if (etcdEndpoints != null) {
      Api.check(etcdEndpoints);
    } else if (baseline == Baseline.etcd && EtcdFleet.program().isEmpty()) {
      throw CliException.usage("--baseline etcd: no etcd on the PATH; install Debian's "
          + "etcd-server or give --etcd-endpoints");
    }
    return mix;
  }

  /** The etcd cluster a run compares with: one it started, or the one at --etcd-endpoints. */
  private EtcdBaseline etcd(Path dir) throws IOException {
    if (etcdEndpoints != null) {
      return new EtcdBaseline(new AgentChannels(etcdEndpoints, Optional.empty()), null);
    }
    EtcdFleet started = EtcdFleet.up(dir, agents);
    return new EtcdBaseline(new AgentChannels(started.endpoints(), Optional.empty()), started);
  }

  /** @param started the cluster this run started, or null for one already running */
  private record EtcdBaseline(AgentChannels channels, EtcdFleet started)
      implements AutoCloseable {
    List<ProcessHandle> processes() {
      return started == null ? List.of() : started.processes();
    }

    @Override
    public void close() {
      channels.close();
      if (started != null) {
        started.close();
      }
    }
  }

  // ---- Output -------------------------------------------------------------------------

  private void print(WorkloadMix mix, List<String> benched, List<RunResult> results,
      FailoverSummary failovers) {
    ObjectNode json = Output.JSON.objectNode();
    ObjectNode w = json.putObject("workload");
    ObjectNode weights = w.putObject("mix");
    mix.weights().forEach((op, weight) -> weights.put(op.label(), weight));
    w.put("clients", clients).put("in_flight", inFlight).put("keys", keys)
        .put("value_bytes", valueSize).put("warmup_ms", warmup.toMillis())
        .put("duration_ms", duration.toMillis());
    ObjectNode f = json.putObject("fleet");
    f.put("agents", benched.size()).put("profile", endpoints == null ? profile : "");
    benched.forEach(f.putArray("endpoints")::add);

    Output.Table table = new Output.Table("SYSTEM", "OP", "OPS/S", "OPS", "ERRORS", "P50 MS",
        "P90 MS", "P99 MS", "P99.9 MS", "MAX MS", "CPU/OP");
    ArrayNode runs = json.putArray("results");
    for (RunResult r : results) {
      ObjectNode run = summary(runs.addObject().put("system", r.system())
          .put("window_ms", r.window().toMillis()), r.total());
      long ops = Math.max(1, r.total().ops());
      r.serverCpu().ifPresent(c -> run.put("server_cpu_us_per_op", c.toNanos() / 1000 / ops));
      r.benchCpu().ifPresent(c -> run.put("bench_cpu_us_per_op", c.toNanos() / 1000 / ops));
      ObjectNode byOp = run.putObject("by_op");
      r.byOperation().forEach((op, s) -> summary(byOp.putObject(op.label()), s));
      ObjectNode kinds = run.putObject("errors_by_kind");
      r.errorKinds().forEach(kinds::put);
      row(table, r.system(), "all", r.total(), r.serverCpu()
          .map(c -> c.toNanos() / 1000 / ops + "us").orElse("-"));
      if (r.byOperation().size() > 1) {
        r.byOperation().forEach((op, s) -> row(table, r.system(), op.label(), s, ""));
      }
    }

    table.note("").note(String.format(Locale.ROOT,
        "workload %s: %d clients x %d in flight, %d keys, %d-byte values, %s measured after %s warm-up",
        mix, clients, inFlight, keys, valueSize, DurationConverter.format(results.get(0).window()),
        DurationConverter.format(warmup)));
    table.note(endpoints == null
        ? String.format("fleet: %d agent processes on loopback, %s profile; CPU/OP: the servers' "
            + "CPU time per completed request", agents, profile)
        : "fleet: " + String.join(",", benched));
    if (results.size() == 2) {
      double ratio = results.get(0).total().opsPerSecond() / results.get(1).total().opsPerSecond();
      json.put("throughput_ratio", round(ratio));
      table.note(String.format(Locale.ROOT, "flotilla / %s throughput: %.2f",
          results.get(1).system(), ratio));
    }
    if (failovers != null) {
      ObjectNode n = json.putObject("failover").put("fault", fault.name())
          .put("kills", failovers.samplesMs().size());
      n.putObject("to_first_write_ms").put("min", round(failovers.minMs()))
          .put("median", round(failovers.medianMs())).put("p99", round(failovers.p99Ms()))
          .put("max", round(failovers.maxMs()));
      ArrayNode samples = n.putArray("samples_ms");
      failovers.samplesMs().forEach(ms -> samples.add(round(ms)));
      table.note(describe(failovers));
    }
    results.stream().filter(r -> !r.errorKinds().isEmpty()).forEach(r -> table.note(
        r.system() + " errors: " + r.errorKinds().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
    json.put("hdr_log", hdrLog.toString());
    table.note("HDR log: " + hdrLog);
    Output.print(spec.commandLine().getOut(), output, json, table);
  }

  private static ObjectNode summary(ObjectNode n, LatencySummary s) {
    n.put("ops", s.ops()).put("errors", s.errors()).put("ops_per_s", round(s.opsPerSecond()));
    n.putObject("latency_ms").put("p50", s.p50Ms()).put("p90", s.p90Ms()).put("p99", s.p99Ms())
        .put("p99_9", s.p999Ms()).put("max", s.maxMs());
    return n;
  }

  private static void row(Output.Table t, String system, String op, LatencySummary s,
      String cpuPerOp) {
    t.row(system, op, String.format(Locale.ROOT, "%.1f", s.opsPerSecond()), s.ops(), s.errors(),
        ms(s.p50Ms()), ms(s.p90Ms()), ms(s.p99Ms()), ms(s.p999Ms()), ms(s.maxMs()), cpuPerOp);
  }

  private String describe(FailoverSummary fo) {
    return String.format(Locale.ROOT, "failover (%s of the leader x%d, %s profile) to the "
        + "first acknowledged write: min %.0f ms, median %.0f ms, p99 %.0f ms, max %.0f ms",
        fault == FaultFlag.kill ? "kill -9" : "silence", fo.samplesMs().size(), profile,
        fo.minMs(), fo.medianMs(), fo.p99Ms(), fo.maxMs());
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }


  // ---- The fleet's processes ----------------------------------------------------------

  /** Stops the fleet when the run ends, and when this process is told to stop mid-run. */
  private static final class FleetShutdown implements AutoCloseable {
    private final ProcessFleet fleet;
    private final Thread hook;

    FleetShutdown(ProcessFleet fleet) {
      this.fleet = fleet;
      this.hook = new Thread(this::down, "flotilla-bench-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    private void down() {
      try {
        fleet.down(Duration.ofSeconds(5));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      Runtime.getRuntime().removeShutdownHook(hook);
      down();
    }
  }

  /** Kill, restart and leader lookup on the agent processes, for failovers. */
  private static final class ProcessFleetControl implements Failovers.Fleet {
    private final ProcessFleet fleet;

    ProcessFleetControl(ProcessFleet fleet) {
      this.fleet = fleet;
    }

    @Override
    public String leader(Duration wait) throws InterruptedException {
      return fleet.awaitLeader(wait).orElseThrow(() -> CliException.refused(
          "no leader within " + DurationConverter.format(wait)));
    }

    @Override
    public void kill(String id) throws InterruptedException {
      fleet.kill(fleet.agent(id));
    }

    @Override
    public void silence(String id) throws InterruptedException {
      fleet.silence(fleet.agent(id));
    }

    @Override
    public void restart(String id, Duration wait) throws Exception {
      long target = fleet.committed(leader(wait));
      ProcessFleet.Agent agent = fleet.agent(id);
      fleet.start(agent);
      ProcessFleet.awaitApplied(agent, target, wait);
    }

    @Override
    public int endpoint(String id) {
      List<ProcessFleet.Agent> all = fleet.agents();
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).id.equals(id)) {
          return i;
        }
      }
      throw new IllegalArgumentException("no agent " + id);
    }
  }
}
