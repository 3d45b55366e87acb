package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against an agent under mutual TLS with an access list: its TLS flags and errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTlsTest {
  @TempDir static Path dir;
  private SoloAgent agent;
  private Path certs;
  private String endpoint;

  @BeforeAll
  void start() throws Exception {
    certs = dir.resolve("certs");
    assertThat(CliRun.of("certs", "init", "--dir", certs.toString()).exit()).isZero();
    for (String name : List.of("agent-1", "operator", "dashboard")) {
      assertThat(CliRun.of("certs", "issue", name, "--dir", certs.toString()).exit()).isZero();
    }
    agent = SoloAgent.start(dir, "tls: {ca: " + certs.resolve("ca.pem")
        + ", cert: " + certs.resolve("agent-1.pem") + ", key: " + certs.resolve("agent-1.key")
        + "}\n"
        + "access:\n  - {client: operator, role: admin}\n  - {client: dashboard, role: read}\n");
    endpoint = agent.endpoint();
  }

  @AfterAll
  void stop() throws Exception {
    agent.close();
  }

  private CliRun as(String client, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoints", endpoint, "--timeout", "10s",
        "--cacert", certs.resolve("ca.pem").toString(),
        "--cert", certs.resolve(client + ".pem").toString(),
        "--key", certs.resolve(client + ".key").toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void aClientWithItsCertificateGetsWhatItsRoleAllows() {
    CliRun put = as("operator", "put", "mission/plan", "survey");
    assertThat(put.exit()).as(put.toString()).isZero();
    CliRun get = as("dashboard", "get", "mission/plan", "-o", "json");
    assertThat(get.exit()).as(get.toString()).isZero();
    assertThat(get.json().get("kvs").get(0).get("value").asText()).isEqualTo("survey");

    CliRun denied = as("dashboard", "put", "mission/plan", "changed");
    assertThat(denied.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(denied.err().strip())
        .isEqualTo("flotilla: PERMISSION_DENIED: client dashboard has role read, this needs write");
  }

  @Test
  void withoutACertificateOrWithoutTlsTheAgentRefusesInOneLine() {
    CliRun anonymous = CliRun.of("get", "mission/plan", "--endpoints", endpoint,
        "--cacert", certs.resolve("ca.pem").toString());
    assertThat(anonymous.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(anonymous.err().strip()).isEqualTo(
        "flotilla: UNAUTHENTICATED: a client certificate from the fleet CA is required");

    CliRun plaintext = CliRun.of("get", "mission/plan", "--endpoints", endpoint,
        "--timeout", "3s");
    assertThat(plaintext.exit()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(plaintext.err().strip().lines()).hasSize(1);
  }

  @Test
  void tlsFlagsThatDoNotGoTogetherAreUsageErrors() {
    CliRun certWithoutCa = CliRun.of("get", "x", "--endpoints", endpoint,
        "--cert", certs.resolve("operator.pem").toString(),
        "--key", certs.resolve("operator.key").toString());
    assertThat(certWithoutCa.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(certWithoutCa.err().strip())
        .isEqualTo("flotilla: --cert and --key need --cacert (the fleet CA)");

    CliRun missing = CliRun.of("get", "x", "--endpoints", endpoint,
        "--cacert", certs.resolve("nope.pem").toString());
    assertThat(missing.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(missing.err().strip())
        .isEqualTo("flotilla: --cacert " + certs.resolve("nope.pem") + " is not a readable file");
  }
}
