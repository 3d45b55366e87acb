package io.flotilla.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every command that talks to a running fleet. */
final class ClientOptions {
  enum Format { table, json, yaml }

  @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT",
      defaultValue = "${env:FLOTILLA_ENDPOINTS:-127.0.0.1:7101}",
      description = "Agent API endpoints, tried in order (env FLOTILLA_ENDPOINTS; default ${DEFAULT-VALUE}).")
  List<String> endpoints;

  @Option(names = {"-o", "--output"}, defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). JSON is stable for scripts.")
  Format output;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Deadline of each request, e.g. 500ms, 5s, 1m (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--group", defaultValue = "${env:FLOTILLA_GROUP:-}",
      description = "Raft group to act on (env FLOTILLA_GROUP; default: the node's first group).")
  String group;

  @Option(names = "--cacert", defaultValue = "${env:FLOTILLA_CACERT:-}", paramLabel = "FILE",
      description = "Talk TLS, trusting agents whose certificate this CA signed (env FLOTILLA_CACERT).")
  String caCert;

  @Option(names = "--cert", defaultValue = "${env:FLOTILLA_CERT:-}", paramLabel = "FILE",
      description = "This client's certificate chain, PEM (env FLOTILLA_CERT); its name is the client's name in the agents' access lists.")
  String cert;

  @Option(names = "--key", defaultValue = "${env:FLOTILLA_KEY:-}", paramLabel = "FILE",
      description = "This client's private key, PKCS#8 PEM (env FLOTILLA_KEY).")
  String key;

  Api connect() {
    return new Api(endpoints, timeout, ClientTls.of(caCert, cert, key));
  }
}
