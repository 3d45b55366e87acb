package io.flotilla.cli;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How a command reaches a running fleet: its agents' API endpoints, a deadline, TLS. */
final class ConnectionOptions {
  @Option(names = "--endpoints", split = ",", paramLabel = "HOST:PORT",
      defaultValue = "${env:FLOTILLA_ENDPOINTS:-127.0.0.1:7101}",
      description = "Agent API endpoints, tried in order (env FLOTILLA_ENDPOINTS; default ${DEFAULT-VALUE}).")
  List<String> endpoints;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class,
      description = "Deadline of each request, e.g. 500ms, 5s, 1m (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--cacert", defaultValue = "${env:FLOTILLA_CACERT:-}", paramLabel = "FILE",
      description = "Talk TLS, trusting agents whose certificate this CA signed (env FLOTILLA_CACERT).")
  String caCert;

  @Option(names = "--cert", defaultValue = "${env:FLOTILLA_CERT:-}", paramLabel = "FILE",
      description = "This client's certificate chain, PEM (env FLOTILLA_CERT); its name is the client's name in the agents' access lists.")
  String cert;

  @Option(names = "--key", defaultValue = "${env:FLOTILLA_KEY:-}", paramLabel = "FILE",
      description = "This client's private key, PKCS#8 PEM (env FLOTILLA_KEY).")
  String key;

  /** The client's TLS, or empty for plaintext; bad or unreadable files are a usage error. */
  Optional<SslContext> tls() {
    return ClientTls.of(caCert, cert, key);
  }

  Api connect() {
    return new Api(endpoints, timeout, tls());
  }
}
