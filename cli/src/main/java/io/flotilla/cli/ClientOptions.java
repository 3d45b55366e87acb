package io.flotilla.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a running fleet and prints what it says. */
final class ClientOptions {
  enum Format { table, json, yaml }

  @Mixin ConnectionOptions connection;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). JSON is stable for scripts.")
  Format output;

  @Option(names = "--group", defaultValue = "${env:FLOTILLA_GROUP:-}",
      description = "Raft group to act on (env FLOTILLA_GROUP; default: the node's first group).")
  String group;

  Api connect() {
    return connection.connect();
  }
}
