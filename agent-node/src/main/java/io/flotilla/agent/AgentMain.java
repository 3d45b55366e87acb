package io.flotilla.agent;

import io.flotilla.agent.config.AgentConfig;
import io.flotilla.agent.config.ConfigException;
import io.flotilla.agent.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The standalone agent-node process ({@code java -jar flotilla-agent-node-*-all.jar
 * [--config FILE]}), for machines and containers that run only the node; settings beyond the
 * file come from {@code FLOTILLA_*} variables. {@code flotilla node run} is the same with
 * flags. Exit code 2 and one line on stderr for a configuration that cannot run.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    Path file = null;
    if (args.length == 2 && args[0].equals("--config")) {
      file = Path.of(args[1]);
    } else if (args.length != 0) {
      System.err.println("usage: flotilla-agent-node [--config FILE]");
      System.exit(2);
    }
    AgentConfig config;
    try {
      config = ConfigLoader.load(file, System.getenv(), Map.of());
      ConfigLoader.checkRunnable(config);
    } catch (ConfigException e) {
      System.err.println("flotilla: " + e.getMessage());
      System.exit(2);
      return;
    }
    AgentNode.runUntilStopped(config, new PrintWriter(System.out, true));
  }
}
