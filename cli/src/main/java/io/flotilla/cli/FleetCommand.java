package io.flotilla.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla fleet up|down|demo}: fleets of agent-node processes on this machine. */
@Command(
    name = "fleet",
    description = "Run a fleet of agent-node processes on this machine.",
    mixinStandardHelpOptions = true,
    subcommands = {FleetCommand.Up.class, FleetCommand.Down.class, FleetDemoCommand.class})
final class FleetCommand {

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start N agent-node processes (separate JVMs) on loopback in one group, or in",
          "--squads with a --council of ground stations; wait for every group's leader and print",
          "how to reach them. Configs, logs and data go in --dir.", "",
          "Each squad's leader keeps --voters healthy voters (the rest listen) and forwards the",
          "squad's decisions/ keys to the council (as squads/<squad>/decisions/...) and the",
          "council's fleet/ keys into the squad.", "",
          "Examples:", "  flotilla fleet up --agents 5 && flotilla status",
          "  flotilla fleet up --agents 30 --squads 3 --council ground:3"})
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--agents", defaultValue = "3", description = "Agents (default ${DEFAULT-VALUE}); without --squads, all voters of one group.")
    int agents;
    @Option(names = "--squads", defaultValue = "0", description = "Split the agents into this many squads, each a group.")
    int squads;
    @Option(names = "--voters", defaultValue = "3", description = "Voters each squad keeps (default ${DEFAULT-VALUE}); the rest are listeners.")
    int voters;
    @Option(names = "--council", paramLabel = "ground:N", description = "A council group of N ground stations (needs --squads).")
    String council;
    @Option(names = "--dir", defaultValue = "flotilla-fleet", description = "Fleet directory (default ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--profile", defaultValue = "lan", description = "lan or radio (default ${DEFAULT-VALUE}).")
    String profile;
    @Option(names = "--wait", defaultValue = "60s", converter = DurationConverter.class,
        description = "How long to wait for a leader (default ${DEFAULT-VALUE}).")
    Duration wait;
    @Option(names = "--tls", description = "Run under mutual TLS: a fleet CA and certificates in DIR/certs, one for each agent and one for you (operator).")
    boolean tls;

    @Override
    public Integer call() throws Exception {
      Topology topology = Topology.parse(agents, squads, voters, council);
      if (!profile.equals("lan") && !profile.equals("radio")) {
        throw CliException.usage("--profile must be lan or radio");
      }
      PrintWriter out = spec.commandLine().getOut();
      ProcessFleet fleet = ProcessFleet.up(dir, topology, profile, tls);
      Map<String, String> leaders = fleet.awaitLeaders(wait);
      Output.Table t = new Output.Table("ID", "GROUP", "ROLE", "API", "RAFT", "METRICS", "PID");
      fleet.agents().forEach(a -> t.row(a.id, a.group, a.role, a.api, a.raft, a.metrics, a.pid));
      out.print(t.render());
      List<String> leaderless = fleet.groups().stream().filter(g -> !leaders.containsKey(g))
          .toList();
      if (!leaderless.isEmpty()) {
        out.flush();
        throw CliException.refused("no leader of " + String.join(", ", leaderless) + " within "
            + DurationConverter.format(wait) + "; see the logs in " + dir);
      }
      out.printf("%n%s: %s. Talk to the fleet with:%n  export FLOTILLA_ENDPOINTS=%s%n",
          leaders.size() == 1 ? "Leader" : "Leaders",
          leaders.size() == 1 ? leaders.values().iterator().next()
              : String.join(", ", leaders.entrySet().stream()
                  .map(e -> e.getValue() + " (" + e.getKey() + ")").toList()),
          fleet.endpoints());
      fleet.tls().ifPresent(files -> out.printf(
          "  export FLOTILLA_CACERT=%s FLOTILLA_CERT=%s FLOTILLA_KEY=%s%n",
          files.ca(), files.cert(), files.key()));
      out.printf("  flotilla status%n  flotilla dashboard    # a live view, at http://127.0.0.1:8080/%n"
          + "Stop it with: flotilla fleet down --dir %s%n", dir);
      out.flush();
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = {"Stop a fleet started with `fleet up` (SIGTERM, then kill after --grace).", "",
          "Example:", "  flotilla fleet down --dir flotilla-fleet"})
  static final class Down implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", defaultValue = "flotilla-fleet", description = "Fleet directory (default ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--grace", defaultValue = "15s", converter = DurationConverter.class,
        description = "How long agents get to stop gracefully (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws Exception {
      ProcessFleet fleet = ProcessFleet.load(dir);
      long running = fleet.agents().stream().filter(a -> a.process().isPresent()).count();
      fleet.down(grace);
      spec.commandLine().getOut().printf("stopped %d agents%n", running);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
