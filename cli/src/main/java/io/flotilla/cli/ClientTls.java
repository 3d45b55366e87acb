package io.flotilla.cli;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** The CLI's side of the agents' mutual TLS: the fleet CA to trust and the client's identity. */
final class ClientTls {
  private ClientTls() {}

  /**
   * Empty when no CA is given (plaintext). With a CA, the certificate and key go together:
   * agents under mutual TLS refuse a client without them.
   */
  static Optional<SslContext> of(String caCert, String cert, String key) {
    if (blank(caCert)) {
      if (!blank(cert) || !blank(key)) {
        throw CliException.usage("--cert and --key need --cacert (the fleet CA)");
      }
      return Optional.empty();
    }
    if (blank(cert) != blank(key)) {
      throw CliException.usage("--cert and --key go together");
    }
    File ca = readable("--cacert", caCert);
    try {
      var b = GrpcSslContexts.forClient().trustManager(ca);
      if (!blank(cert)) {
        b.keyManager(readable("--cert", cert), readable("--key", key));
      }
      return Optional.of(b.build());
    } catch (SSLException | IllegalArgumentException e) {
      throw CliException.usage("cannot use the TLS files " + caCert + ", " + cert + ", " + key
          + ": " + e.getMessage());
    }
  }

  private static File readable(String flag, String file) {
    Path p = Path.of(file);
    if (!Files.isReadable(p)) {
      throw CliException.usage(flag + " " + file + " is not a readable file");
    }
    return p.toFile();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
