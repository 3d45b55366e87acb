package io.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.simulator.Simulation;
import io.flotilla.simulator.SimulationOptions;
import io.flotilla.simulator.SimulationResult;
import io.flotilla.simulator.Sweep;
import io.flotilla.simulator.kernel.SimTime;
import io.flotilla.simulator.ratis.EngineComparison;
import io.flotilla.simulator.ratis.RatisSimulation;
import io.flotilla.simulator.ratis.ResourceUse;
import io.flotilla.simulator.report.ReportFiles;
import io.flotilla.simulator.report.RunSummary;
import io.flotilla.simulator.report.SummaryText;
import io.flotilla.simulator.report.SweepReport;
import io.flotilla.simulator.report.SweepTable;
import io.flotilla.simulator.scenario.Scenario;
import io.flotilla.simulator.scenario.ScenarioException;
import io.flotilla.simulator.scenario.ScenarioLoader;
import io.flotilla.simulator.scenario.Span;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotilla sim}: deterministic swarm simulations of Flotilla's Raft groups. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
        "Simulate a fleet on one thread with a virtual clock: agents move, radio",
        "links fade, Raft groups elect and replicate into real fleet state machines,",
        "and every step is checked against Raft's safety invariants. SCENARIO is a",
        "YAML file or the name of a shipped example: warehouse-robots, city-drones,",
        "tunnel-convoy, survey-swarm.",
        "",
        "With --engine ratis, the same scenario runs with every agent a real Apache",
        "Ratis server in this JVM, under the simulated radio, in wall-clock time;",
        "sim compare runs both engines and compares what they measure.",
        "",
        "Examples:",
        "  flotilla sim run city-drones --duration 10m",
        "  flotilla sim run warehouse-robots --engine ratis --duration 2m",
        "  flotilla sim compare warehouse-robots --seeds 3 --duration 1m",
        "  flotilla sim sweep tunnel-convoy --set radio.loss=0,0.05,0.1 --seeds 10"},
    subcommands = {SimCommand.Run.class, SimCommand.SweepRuns.class, SimCommand.Compare.class})
final class SimCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Loads the scenario, or prints the one-line reason and returns null. */
  private static Scenario load(CommandSpec spec, String source, Long seed, String duration) {
    try {
      Scenario s = ScenarioLoader.load(source);
      if (seed != null) {
        s = s.withSeed(seed);
      }
      if (duration != null) {
        s = s.withDuration(parseDuration(duration));
      }
      return s;
    } catch (ScenarioException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("flotilla: " + e.getMessage());
      return null;
    }
  }

  private static Span parseDuration(String text) {
    try {
      Span d = Span.parse(text);
      if (d.micros() <= 0) {
        throw new IllegalArgumentException("--duration must be positive");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().startsWith("--") ? e.getMessage()
          : "--duration: " + e.getMessage());
    }
  }

  /** What runs a simulation's Raft groups; named as {@code RunSummary} names them. */
  enum Engine { model, ratis }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
          "Run one simulation, print a summary, write report.html and summary.json.",
          "Exits 1 if an invariant was violated, printing the seed and event number;",
          "--replay EVENT reruns up to that event and prints the events leading to it.",
          "",
          "--engine ratis runs every agent as a real Ratis server (the agent-node's",
          "server, state machine and tuning profile) in this JVM, the radio model",
          "deciding which messages arrive and how late, paced to the wall clock: a",
          "10m scenario takes 10 minutes. Its world is seeded but Ratis is not",
          "deterministic, so it has no trace hash, no replay and no invariant checks.",
          "",
          "Example:",
          "  flotilla sim run city-drones --seed 7 --duration 10m --out sim-out"})
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "YAML file or example name.")
    String scenario;

    @Option(names = "--seed", description = "Random seed (default: the scenario's).")
    Long seed;

    @Option(names = "--duration",
        description = "Simulated time, e.g. 10m (default: the scenario's).")
    String duration;

    @Option(names = "--out", description = "Report directory (default: sim-out/NAME-SEED).")
    Path out;

    @Option(names = "--replay", paramLabel = "EVENT",
        description = "Stop after event EVENT and print the events leading to it.")
    Long replay;

    @Option(names = "--trace", defaultValue = "40",
        description = "Events to print with --replay (default ${DEFAULT-VALUE}).")
    int trace;

    @Option(names = "--engine", defaultValue = "model", paramLabel = "model|ratis",
        description = "model: the deterministic engine (default); ratis: real Ratis servers.")
    Engine engine;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter stdout = spec.commandLine().getOut();
      if (replay != null && replay < 1 || trace < 1) {
        err.println("flotilla: --replay and --trace must be at least 1");
        return Flotilla.EXIT_USAGE;
      }
      if (engine == Engine.ratis && replay != null) {
        err.println("flotilla: --replay needs the deterministic engine (--engine model)");
        return Flotilla.EXIT_USAGE;
      }
      Scenario s = load(spec, scenario, seed, duration);
      if (s == null) {
        return Flotilla.EXIT_USAGE;
      }
      if (engine == Engine.ratis) {
        return runOnRatis(s, err, stdout);
      }
      SimulationOptions options = replay == null ? SimulationOptions.defaults()
          : SimulationOptions.defaults().replay(replay, trace);
      Simulation sim = Simulation.create(s, options);
      long total = s.duration().micros();
      long started = System.nanoTime();
      long[] lastPrint = {started};
      SimulationResult result = sim.run((now, events) -> {
        long t = System.nanoTime();
        if (t - lastPrint[0] >= 1_000_000_000L) {
          lastPrint[0] = t;
          double wall = (t - started) / 1e9;
          err.printf(Locale.ROOT, "\rsim %s / %s  wall %.1f s  %,.0f events/s   ",
              SimTime.format(now), SimTime.format(total), wall, events / wall);
          err.flush();
        }
      });
      if (lastPrint[0] != started) {
        err.println();
      }
      RunSummary summary = result.summary();
      SummaryText.print(stdout, summary);
      if (replay != null) {
        stdout.printf("%nThe last %d events up to event %d:%n", result.traceTail().size(),
            result.lastEvent());
        result.traceTail().forEach(line -> stdout.println("  " + line));
      } else {
        Path dir = out != null ? out : Path.of("sim-out", s.name() + "-" + s.seed());
        ReportFiles.write(dir, summary, result.metrics());
        stdout.printf("%nReport: %s%nSummary: %s%n", dir.resolve(ReportFiles.REPORT),
            dir.resolve(ReportFiles.SUMMARY));
      }
      if (!result.ok()) {
        stdout.printf("%nINVARIANT VIOLATED at event %d (%s): %s%n  replay: flotilla sim run %s"
            + " %s%n", summary.violation().event(), summary.violation().time(),
            summary.violation().message(), scenario, summary.violation().replay());
      }
      stdout.flush();
      return result.ok() ? 0 : 1;
    }

    private int runOnRatis(Scenario s, PrintWriter err, PrintWriter stdout) throws Exception {
      quietRatis();
      long total = s.duration().micros();
      err.printf("Starting %s on real Ratis servers...%n", s.name());
      err.flush();
      RatisSimulation.Run run;
      Path storage = Files.createTempDirectory("flotilla-sim-ratis");
      try (RatisSimulation sim = RatisSimulation.create(s, storage)) {
        run = sim.run((now, events) -> {
          err.printf(Locale.ROOT, "\rsim %s / %s   ", SimTime.format(now), SimTime.format(total));
          err.flush();
        });
      } finally {
        Files.deleteIfExists(storage);
      }
      err.println();
      RunSummary summary = run.result().summary();
      SummaryText.print(stdout, summary);
      ResourceUse r = run.resources();
      stdout.printf(Locale.ROOT, "Ratis engine: servers started in %.1f s; then %.2f cores busy,"
          + " peak RSS %s, peak %,d threads; %d elections not caused by the scenario's faults.%n",
          run.startSeconds(), r.cpuCores(), r.peakRssBytes() < 0 ? "unknown"
              : String.format(Locale.ROOT, "%.0f MB", r.peakRssBytes() / 1e6), r.peakThreads(),
          run.unprovokedElections());
      Path dir = out != null ? out : Path.of("sim-out", s.name() + "-" + s.seed() + "-ratis");
      ReportFiles.write(dir, summary, run.result().metrics());
      stdout.printf("%nReport: %s%nSummary: %s%n", dir.resolve(ReportFiles.REPORT),
          dir.resolve(ReportFiles.SUMMARY));
      stdout.flush();
      return 0;
    }
  }

  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description = {
          "Run a scenario on both engines with the same seeds, one run at a time,",
          "and print side by side the median time to elect after a leader loss,",
          "leader changes per hour and commit latency, with the relative difference",
          "of the medians; a difference over 25% means the model engine needs",
          "recalibrating. Ratis runs take their simulated time in wall time.",
          "",
          "Example:",
          "  flotilla sim compare warehouse-robots --seeds 3 --duration 1m"})
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "YAML file or example name.")
    String scenario;

    @Option(names = "--seeds", defaultValue = "3", description = "Seeds to run on each engine"
        + " (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "First seed (default"
        + " ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--duration", description = "Simulated time of each run (default: the"
        + " scenario's).")
    String duration;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter stdout = spec.commandLine().getOut();
      if (seeds < 1) {
        err.println("flotilla: --seeds must be at least 1");
        return Flotilla.EXIT_USAGE;
      }
      Scenario s = load(spec, scenario, null, duration);
      if (s == null) {
        return Flotilla.EXIT_USAGE;
      }
      quietRatis();
      Path storage = Files.createTempDirectory("flotilla-sim-compare");
      EngineComparison.Result r;
      try {
        r = EngineComparison.run(s, seeds, firstSeed, storage, (engine, summary) -> {
          err.printf(Locale.ROOT, "%s seed %d: %d leader changes, election p50 %s, commit p50"
              + " %s%n", engine, summary.seed(), summary.fleet().leaderChanges(),
              SummaryText.p50(summary.fleet().electionMillis()),
              SummaryText.p50(summary.fleet().commitLatencyMillis()));
          err.flush();
        });
      } finally {
        Files.deleteIfExists(storage);
      }
      EngineComparison.print(stdout, r);
      stdout.flush();
      return 0;
    }
  }

  /**
   * The simulated radio drops messages by design, and Ratis logs every failed append as an
   * error: at scale that is thousands of lines a second and a good part of the CPU. Only
   * Ratis's other errors are kept.
   */
  private static void quietRatis() {
    if (org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.getLogger("org.apache.ratis").setLevel(ch.qos.logback.classic.Level.ERROR);
      logback.getLogger("org.apache.ratis.server.RaftServer$Division")
          .setLevel(ch.qos.logback.classic.Level.OFF);
    }
  }


  @Command(
      name = "sweep",
      mixinStandardHelpOptions = true,
      description = {
          "Run a scenario over a grid of settings and seeds on all cores (each run",
          "is still single-threaded and deterministic); write sweep.csv and",
          "sweep.html. KEY is a path into the scenario: radio.loss,",
          "squads[0].voters, workload.claims.perMinute.",
          "",
          "Example:",
          "  flotilla sim sweep city-drones --set radio.loss=0,0.05,0.1 --seeds 10 \\",
          "      --duration 10m"})
  static final class SweepRuns implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "YAML file or example name.")
    String scenario;

    @Option(names = "--set", paramLabel = "KEY=V1,V2", description = "A swept key and its values;"
        + " repeat for a grid.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seeds", defaultValue = "10", description = "Seeds per setting (default"
        + " ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "1", description = "First seed (default"
        + " ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(names = "--duration", description = "Simulated time of each run (default: the"
        + " scenario's).")
    String duration;

    @Option(names = "--threads", description = "Runs at once (default: one per core).")
    Integer threads;

    @Option(names = "--out", description = "Output directory (default: sim-sweep/NAME).")
    Path out;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter stdout = spec.commandLine().getOut();
      int pool = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
      if (seeds < 1 || pool < 1) {
        err.println("flotilla: --seeds and --threads must be at least 1");
        return Flotilla.EXIT_USAGE;
      }
      List<Sweep.Axis> axes = new ArrayList<>();
      JsonNode tree;
      Span span;
      try {
        for (String s : sets) {
          axes.add(Sweep.Axis.parse(s));
        }
        tree = ScenarioLoader.tree(scenario);
        span = duration == null ? null : parseDuration(duration);
      } catch (ScenarioException | IllegalArgumentException e) {
        err.println("flotilla: " + e.getMessage());
        return Flotilla.EXIT_USAGE;
      }
      String label = Path.of(scenario).getFileName().toString();
      int total = seeds * axes.stream().mapToInt(a -> a.values().size()).reduce(1, (a, b) -> a * b);
      int[] done = {0};
      List<Sweep.Point> points;
      try {
        points = Sweep.run(tree, label, axes, seeds, firstSeed, span, pool, p -> {
          done[0]++;
          err.printf(Locale.ROOT, "[%d/%d] %s seed %d: availability %.3f%%, %d leader losses%s%n",
              done[0], total, p.settings().isEmpty() ? "" : p.settings(), p.seed(),
              p.summary().fleet().availability() * 100, p.summary().fleet().leaderLosses(),
              p.summary().violation() == null ? "" : ", VIOLATION " + p.summary().violation()
                  .invariant());
          err.flush();
        });
      } catch (ScenarioException e) {
        err.println("flotilla: " + e.getMessage());
        return Flotilla.EXIT_USAGE;
      }
      String name = points.isEmpty() ? label : points.get(0).summary().scenario();
      Path dir = out != null ? out : Path.of("sim-sweep", name);
      Files.createDirectories(dir);
      List<String> keys = axes.stream().map(Sweep.Axis::key).toList();
      Files.writeString(dir.resolve("sweep.csv"), SweepReport.csv(keys, points),
          StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("sweep.html"), SweepReport.html(name, keys, points),
          StandardCharsets.UTF_8);

      long violations = SweepTable.print(stdout, points);
      stdout.printf("%nResults: %s%nCharts: %s%n", dir.resolve("sweep.csv"),
          dir.resolve("sweep.html"));
      stdout.flush();
      return violations == 0 ? 0 : 1;
    }
  }
}
