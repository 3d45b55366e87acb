package io.flotilla.cli;

import io.flotilla.agent.Version;
import io.flotilla.cli.grpc.AgentChannels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flotilla} command: every subcommand hangs off this root.
 *
 * <p>Exit codes: 0 success; 1 the cluster said no (a compare failed, no leader in time, an
 * unknown lease, no endpoint reachable); 2 the command line or its input is wrong. Every error
 * is one line on stderr, with a stack trace only under {@code --verbose}.
 */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = Flotilla.VersionProvider.class,
    description = "Raft consensus for fleets of autonomous agents.",
    subcommands = {
      CommandLine.HelpCommand.class,
      NodeCommand.class,
      FleetCommand.class,
      CertsCommand.class,
      IdentityCommand.class,
      ClusterCommands.Status.class,
      ClusterCommands.Members.class,
      ClusterCommands.Leader.class,
      DashboardCommand.class,
      KvCommands.Get.class,
      KvCommands.Put.class,
      KvCommands.Del.class,
      KvCommands.Txn.class,
      WatchCommand.class,
      LeaseCommand.class,
      ElectCommand.class,
      ClusterCommands.MoveLeader.class,
      ClusterCommands.Election.class,
      ClusterCommands.Snapshot.class,
      ClusterCommands.MemberGroup.class,
      ClusterCommands.Health.class,
      CheckCommand.class,
      ChaosCommand.class,
      BenchCommand.class,
      SimCommand.class,
      CompletionCommand.class,
    })
public final class Flotilla implements Runnable {

  /** The cluster refused or could not answer. */
  public static final int EXIT_REFUSED = 1;
  /** The command line itself is wrong. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    // Ratis's shaded gRPC logs through java.util.logging; route it to the same place.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Flotilla());
    cli.setParameterExceptionHandler((ex, args) -> {
      ex.getCommandLine().getErr().println("flotilla: " + ex.getMessage());
      ex.getCommandLine().getErr().flush();
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      int code;
      String message;
      if (ex instanceof CliException c) {
        code = c.exitCode();
        message = c.getMessage();
      } else if (ex instanceof StatusRuntimeException s) {
        Status.Code c = s.getStatus().getCode();
        code = c == Status.Code.INVALID_ARGUMENT ? EXIT_USAGE : EXIT_REFUSED;
        message = AgentChannels.failure(s);
      } else {
        code = EXIT_REFUSED;
        message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
      }
      err.println("flotilla: " + message);
      if (isVerbose(parsed)) {
        ex.printStackTrace(err);
      }
      err.flush();
      return code;
    });
    return cli;
  }

  private static boolean isVerbose(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult p = parsed;
    while (p != null) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
      p = p.subcommand();
    }
    return false;
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"flotilla " + Version.get()};
    }
  }
}
