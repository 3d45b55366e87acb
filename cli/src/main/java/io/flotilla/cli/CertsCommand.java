package io.flotilla.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotilla.agent.trust.FleetCa;
import io.flotilla.agent.trust.TrustFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flotilla certs init|issue}: a development CA for a fleet, and each agent's certificate
 * for mutual TLS and its identity key pair. Every file problem (a CA already there, none to issue
 * from, a directory that cannot be written) and every bad name or host exits 2 with one line.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Make a fleet's development CA and issue agents their certificates and keys.",
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
final class CertsCommand {

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Make a new fleet CA in --dir.",
          "ca.pem is its certificate (valid ten years), ca.key its private key",
          "(readable by its owner only). Refuses if either exists.", "",
          "Example:", "  flotilla certs init --dir certs"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--dir", defaultValue = "certs", paramLabel = "DIR",
        description = "Where the CA is kept (default ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = {"-o", "--output"}, defaultValue = "table",
        description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ClientOptions.Format output;

    @Override
    public Integer call() {
      FleetCa ca = oneLine(() -> FleetCa.init(dir));
      Path certificate = dir.resolve(FleetCa.CA_CERTIFICATE);
      Path key = dir.resolve(FleetCa.CA_KEY);
      String until = day(ca.certificate());
      Output.print(spec.commandLine().getOut(), output, Output.JSON.objectNode()
              .put("certificate", certificate.toString())
              .put("key", key.toString())
              .put("not_after", ca.certificate().getNotAfter().toInstant().toString()),
          new Output.Table()
              .row(certificate, "CA certificate, " + ca.certificate().getSubjectX500Principal()
                  .getName() + ", until " + until)
              .row(key, "CA private key (owner only): keep it off the agents"));
      return 0;
    }
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = {"Issue agent NAME its TLS certificate and identity key pair.",
          "From the CA in --dir, writes to --out: NAME.pem (a certificate for mutual",
          "TLS, as server and client, then the CA's), NAME.key, and an Ed25519 key",
          "pair for signing proposals, NAME.identity.key and NAME.identity.pub.",
          "Refuses if any of them exists.", "",
          "Example:", "  flotilla certs issue agent-1 --host 127.0.0.1 --host agent-1.fleet.local"})
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "NAME",
        description = "The agent's name, its certificate's common name: 1 to 64 letters, digits, "
            + "'.', '_' or '-'.")
    String name;
    @Option(names = "--dir", defaultValue = "certs", paramLabel = "DIR",
        description = "Where the CA is kept (default ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--out", paramLabel = "DIR",
        description = "Where to write the agent's files (default: --dir).")
    Path out;
    @Option(names = "--host", split = ",", paramLabel = "HOST",
        description = "An IP address or DNS name the agent is reached at; repeatable "
            + "(default: localhost and 127.0.0.1).")
    List<String> hosts = new ArrayList<>();
    @Option(names = "--days", defaultValue = "365", paramLabel = "DAYS",
        description = "Days the certificate is valid, at most the CA's remaining life "
            + "(default ${DEFAULT-VALUE}).")
    int days;
    @Option(names = {"-o", "--output"}, defaultValue = "table",
        description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ClientOptions.Format output;

    @Override
    public Integer call() {
      if (days < 1) {
        throw CliException.usage("--days must be at least 1, not " + days);
      }
      FleetCa ca = oneLine(() -> FleetCa.load(dir));
      FleetCa.Issued issued = oneLine(() ->
          ca.issue(name, hosts, Duration.ofDays(days), out != null ? out : dir));
      X509Certificate certificate = FleetCa.readCertificates(issued.certificate()).get(0);
      List<String> named = hosts.isEmpty() ? FleetCa.DEFAULT_HOSTS : hosts;
      ObjectNode json = Output.JSON.objectNode()
          .put("name", name)
          .put("certificate", issued.certificate().toString())
          .put("key", issued.key().toString())
          .put("identity_key", issued.identityKey().toString())
          .put("identity_public_key", issued.identityPublicKey().toString())
          .put("not_after", certificate.getNotAfter().toInstant().toString());
      ArrayNode hostsJson = json.putArray("hosts");
      named.forEach(hostsJson::add);
      Output.print(spec.commandLine().getOut(), output, json, new Output.Table()
          .row(issued.certificate(), "certificate CN=" + name + " for " + String.join(", ", named)
              + ", until " + day(certificate) + ", then the CA's")
          .row(issued.key(), "TLS private key (owner only)")
          .row(issued.identityKey(), "identity private key, Ed25519 (owner only)")
          .row(issued.identityPublicKey(), "identity public key, Ed25519"));
      return 0;
    }
  }

  /** Runs a step of the CA, turning its one-line refusals into usage errors (exit 2). */
  private static <T> T oneLine(Supplier<T> step) {
    try {
      return step.get();
    } catch (TrustFileException | IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  private static String day(X509Certificate certificate) {
    return LocalDate.ofInstant(certificate.getNotAfter().toInstant(), ZoneOffset.UTC).toString();
  }
}
