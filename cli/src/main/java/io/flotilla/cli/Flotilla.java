package io.flotilla.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flotilla} command: every subcommand hangs off this root. */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = Flotilla.Version.class,
    description = "Raft consensus for fleets of autonomous agents.",
    subcommands = {
      CommandLine.HelpCommand.class,
      FleetCommand.class,
    })
public final class Flotilla implements Runnable {

  /** Exit code when the command line itself is wrong. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

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
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("flotilla: " + ex.getMessage());
          return EXIT_USAGE;
        });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Flotilla.class.getPackage().getImplementationVersion();
      return new String[] {"flotilla " + (v == null ? "dev" : v)};
    }
  }
}
