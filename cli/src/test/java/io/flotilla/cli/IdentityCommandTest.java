package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code flotilla identity} against an agent that signs its proposals, in a group requiring it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityCommandTest {
  @TempDir static Path dir;
  private SoloAgent agent;
  private Path certs;
  private String endpoint;

  @BeforeAll
  void start() throws Exception {
    certs = dir.resolve("certs");
    assertThat(CliRun.of("certs", "init", "--dir", certs.toString()).exit()).isZero();
    for (String name : List.of("agent-1", "agent-2")) {
      assertThat(CliRun.of("certs", "issue", name, "--dir", certs.toString()).exit()).isZero();
    }
    agent = SoloAgent.start(dir,
        "identity-key: " + certs.resolve("agent-1.identity.key") + "\n"
        + "signed-proposals: required\n");
    endpoint = agent.endpoint();
  }

  @AfterAll
  void stop() throws Exception {
    agent.close();
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoints", endpoint, "--timeout", "10s"));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void enrollListAndRevokeAgentsAndTheAgentWritesOnceEnrolled() {
    CliRun refused = run("put", "mission/plan", "survey");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(Flotilla.EXIT_REFUSED);
    assertThat(refused.err().strip()).isEqualTo(
        "flotilla: PERMISSION_DENIED: proposal from agent-1 refused: agent-1 is not enrolled");

    CliRun self = run("identity", "enroll", "agent-1",
        "--public-key", certs.resolve("agent-1.identity.pub").toString());
    assertThat(self.exit()).as(self.toString()).isZero();
    assertThat(self.out()).contains("agent-1").contains("SHA256:")
        .contains("refused proposals: forged 0, replayed 0, unenrolled 1, unsigned 0");
    CliRun other = run("identity", "enroll", "agent-2",
        "--public-key", certs.resolve("agent-2.identity.pub").toString(), "-o", "json");
    assertThat(other.exit()).as(other.toString()).isZero();
    assertThat(run("put", "mission/plan", "survey").exit()).isZero();

    JsonNode listed = run("identity", "list", "-o", "json").json();
    assertThat(listed.get("group").asText()).isEqualTo("default");
    assertThat(listed.get("agents")).extracting(a -> a.get("id").asText())
        .containsExactly("agent-1", "agent-2");
    JsonNode first = listed.get("agents").get(0);
    assertThat(first.get("last_sequence").asLong()).isPositive();
    assertThat(first.get("fingerprint").asText())
        .isEqualTo(IdentityCommand.fingerprint(Base64.getDecoder()
            .decode(first.get("public_key").asText())));
    assertThat(listed.get("rejections").get("unenrolled").asLong()).isEqualTo(1);

    CliRun revoked = run("identity", "revoke", "agent-2", "-o", "json");
    assertThat(revoked.exit()).as(revoked.toString()).isZero();
    assertThat(revoked.json().get("agents")).extracting(a -> a.get("id").asText())
        .containsExactly("agent-1");
  }

  @Test
  void aPublicKeyFileThatCannotBeReadIsAUsageError() {
    CliRun missing = run("identity", "enroll", "agent-3",
        "--public-key", certs.resolve("agent-3.identity.pub").toString());
    assertThat(missing.exit()).isEqualTo(Flotilla.EXIT_USAGE);
    assertThat(missing.err().strip()).startsWith(
        "flotilla: cannot read " + certs.resolve("agent-3.identity.pub"));
    assertThat(missing.err().strip().lines()).hasSize(1);
  }
}
