package io.flotilla.cli;

import io.flotilla.agent.AgentNode;
import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.ConfigException;
import io.flotilla.agent.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flotilla node run}: an agent node in the foreground. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run an agent node.", subcommands = NodeCommand.Run.class)
final class NodeCommand {

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = {"Run an agent node in the foreground until SIGTERM or Ctrl-C (a leader first",
          "hands its leadership to another voter). With no file and no flags it runs a one-agent",
          "fleet on this machine. Flags override FLOTILLA_* environment variables, which override",
          "the file. A bad configuration exits with code 2 and one line naming the key.", "",
          "Examples:", "  flotilla node run",
          "  flotilla node run --config drone-7.yaml",
          "  FLOTILLA_PROFILE=radio flotilla node run --config drone-7.yaml --api-address 0.0.0.0:7101"})
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path config;
    @Option(names = "--id", description = "Agent id (env FLOTILLA_ID).") String id;
    @Option(names = "--data-dir", description = "Data directory (env FLOTILLA_DATA_DIR).") String dataDir;
    @Option(names = "--raft-address", description = "host:port for Raft traffic (env FLOTILLA_RAFT_ADDRESS).")
    String raftAddress;
    @Option(names = "--api-address", description = "host:port of the gRPC API (env FLOTILLA_API_ADDRESS).")
    String apiAddress;
    @Option(names = "--metrics-address", description = "host:port of /metrics, /healthz, /readyz (env FLOTILLA_METRICS_ADDRESS).")
    String metricsAddress;
    @Option(names = "--profile", description = "lan or radio (env FLOTILLA_PROFILE).") String profile;
    @Option(names = "--read-mode", description = "read-index or leader-lease (env FLOTILLA_READ_MODE).")
    String readMode;

    @Override
    public Integer call() throws Exception {
      Map<String, String> overrides = new LinkedHashMap<>();
      overrides.put("id", id);
      overrides.put("data-dir", dataDir);
      overrides.put("raft-address", raftAddress);
      overrides.put("api-address", apiAddress);
      overrides.put("metrics-address", metricsAddress);
      overrides.put("profile", profile);
      overrides.put("read-mode", readMode);
      AgentConfig cfg;
      try {
        cfg = ConfigLoader.load(config, System.getenv(), overrides);
        ConfigLoader.checkRunnable(cfg);
      } catch (ConfigException e) {
        throw CliException.usage(e.getMessage());
      }
      AgentNode.runUntilStopped(cfg, spec.commandLine().getOut());
      return 0;
    }
  }
}
