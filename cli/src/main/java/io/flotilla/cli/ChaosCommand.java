package io.flotilla.cli;

import io.flotilla.chaos.cluster.DockerEnvironment;
import io.flotilla.chaos.harness.ChaosRun;
import io.flotilla.chaos.nemesis.Nemeses;
import io.flotilla.chaos.workload.Check;
import io.flotilla.chaos.workload.Workloads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla chaos run}: a Jepsen-style test of agent-node containers. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Chaos tests on agent-node containers (needs Docker; see scripts/docker-engine.sh).",
    subcommands = ChaosCommand.Run.class)
final class ChaosCommand {

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Start agent-node containers, run a workload against them while a nemesis",
          "injects faults on a seeded schedule, then check the recorded history. Writes",
          "history.jsonl/.edn, verdicts.json, report.html, checker.html (when invalid), the",
          "schedule and the nodes' logs to --out. Exit 0 valid, 1 invalid, 3 unknown.", "",
          "Nemeses: partition-halves, partition-ring, bridge, isolate-leader, isolate-node,",
          "leaderless (every node cut off from every other, longer than the agents' deadline),",
          "lost-replies (the leader's replies to the other nodes dropped; it still commits),",
          "kill-node, kill-leader, pause-node, pause-leader, packet-loss, membership,",
          "rolling-config (a config change rolled through the nodes one restart at a time),",
          "clock-forward-leader, clock-back-leader, clock-strobe (a node's wall clock stepped",
          "an hour); families: partition, kill, pause, loss, clock.",
          "Workloads: register, set, counter, append, election.", "",
          "Example:",
          "  flotilla chaos run --nodes 5 --workload register --nemesis partition,kill,pause --time 60s --seed 7"})
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--nodes", defaultValue = "5", description = "Agent containers (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--workload", defaultValue = "register", description = "What clients do (default ${DEFAULT-VALUE}).")
    String workload;
    @Option(names = "--nemesis", split = ",", defaultValue = "partition,kill,pause",
        description = "Faults to inject (default ${DEFAULT-VALUE}).")
    List<String> nemesis;
    @Option(names = "--time", defaultValue = "60s", converter = DurationConverter.class,
        description = "How long clients run (default ${DEFAULT-VALUE}).")
    Duration time;
    @Option(names = "--seed", description = "Seed of the fault schedule and the workload (default: random, printed).")
    Long seed;
    @Option(names = "--out", description = "Output folder (default chaos-out/WORKLOAD-SEED).")
    Path out;
    @Option(names = "--unsafe-local-reads",
        description = "Serve reads from each node's own state: a deliberate bug the checker must catch.")
    boolean unsafeLocalReads;

    @Override
    public Integer call() throws Exception {
      PrintWriter o = spec.commandLine().getOut();
      long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
      ChaosRun.Options options;
      try {
        if (!Workloads.NAMES.contains(workload)) {
          throw new IllegalArgumentException("unknown workload '" + workload + "' (one of "
              + String.join(", ", Workloads.NAMES) + ")");
        }
        Nemeses.expand(nemesis);
        options = new ChaosRun.Options(nodes, workload, nemesis, time, s,
            out != null ? out : Path.of("chaos-out", workload + "-" + s), unsafeLocalReads);
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
      Optional<String> missing = DockerEnvironment.missing();
      if (missing.isPresent()) {
        throw CliException.refused("the chaos suite needs Docker: " + missing.get());
      }
      o.printf("chaos run: %d nodes, workload %s, nemeses %s, %s, seed %d%n", nodes, workload,
          options.nemeses(), DurationConverter.format(time), s);
      o.flush();
      ChaosRun.Outcome outcome = ChaosRun.run(options, line -> {
        o.println("  " + line);
        o.flush();
      });
      for (Check c : outcome.checks()) {
        o.printf("%s: %s%n", c.checker(), c.summary());
      }
      o.printf("%s: %d operations; results in %s (replay with --seed %d)%n", outcome.validity(),
          outcome.operations(), outcome.out(), s);
      o.flush();
      return switch (outcome.validity()) {
        case VALID -> 0;
        case INVALID -> 1;
        case UNKNOWN -> 3;
      };
    }
  }
}
