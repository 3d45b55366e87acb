package io.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotilla.agent.trust.FleetCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flotilla certs init|issue}, run in this JVM. */
class CertsCommandTest {

  @TempDir Path tmp;

  @Test
  void initThenIssueWritesTheCaAndTheAgentsFilesOneLineEach() throws Exception {
    Path dir = tmp.resolve("certs");

    CliRun init = CliRun.of("certs", "init", "--dir", dir.toString());

    assertThat(init.exit()).as(init.toString()).isZero();
    assertThat(init.out().lines()).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith(dir.resolve("ca.pem") + " "))
        .anySatisfy(l -> assertThat(l).startsWith(dir.resolve("ca.key") + " "));

    CliRun issue = CliRun.of("certs", "issue", "agent-1", "--dir", dir.toString(),
        "--host", "127.0.0.1");

    assertThat(issue.exit()).as(issue.toString()).isZero();
    assertThat(issue.err()).isEmpty();
    List<String> files = List.of("agent-1.pem", "agent-1.key", "agent-1.identity.key",
        "agent-1.identity.pub");
    assertThat(issue.out().lines()).hasSize(4);
    for (String file : files) {
      assertThat(dir.resolve(file)).isNotEmptyFile();
      assertThat(issue.out()).contains(dir.resolve(file) + " ");
    }
    X509Certificate leaf = FleetCa.readCertificates(dir.resolve("agent-1.pem")).get(0);
    leaf.verify(FleetCa.load(dir).certificate().getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=agent-1");
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
  }

  @Test
  void issueWritesToOutAndDescribesTheFilesAsJson() {
    Path dir = tmp.resolve("ca");
    Path out = tmp.resolve("agents");
    assertThat(CliRun.of("certs", "init", "--dir", dir.toString()).exit()).isZero();

    CliRun issue = CliRun.of("certs", "issue", "drone-7", "--dir", dir.toString(), "--out",
        out.toString(), "--host", "drone-7.fleet.local,10.0.0.7", "--days", "30", "-o", "json");

    assertThat(issue.exit()).as(issue.toString()).isZero();
    JsonNode json = issue.json();
    assertThat(json.get("name").asText()).isEqualTo("drone-7");
    assertThat(json.get("certificate").asText()).isEqualTo(out.resolve("drone-7.pem").toString());
    assertThat(json.get("key").asText()).isEqualTo(out.resolve("drone-7.key").toString());
    assertThat(json.get("identity_key").asText())
        .isEqualTo(out.resolve("drone-7.identity.key").toString());
    assertThat(json.get("identity_public_key").asText())
        .isEqualTo(out.resolve("drone-7.identity.pub").toString());
    assertThat(json.get("hosts")).extracting(JsonNode::asText)
        .containsExactly("drone-7.fleet.local", "10.0.0.7");
    assertThat(json.get("not_after").asText()).endsWith("Z");
    assertThat(out.resolve("drone-7.identity.pub")).isNotEmptyFile();
    assertThat(dir.resolve("drone-7.pem")).doesNotExist();
  }

  @Test
  void issueWithoutACaExitsTwoInOneLine() {
    Path dir = tmp.resolve("none");

    CliRun issue = CliRun.of("certs", "issue", "agent-1", "--dir", dir.toString());

    assertThat(issue.exit()).isEqualTo(2);
    assertThat(issue.err()).isEqualTo("flotilla: no fleet CA in " + dir
        + ": ca.pem and ca.key do not exist\n");
    assertThat(issue.out()).isEmpty();
  }

  @Test
  void initTwiceExitsTwoAndKeepsTheFirstCa() throws IOException {
    Path dir = tmp.resolve("certs");
    assertThat(CliRun.of("certs", "init", "--dir", dir.toString()).exit()).isZero();
    String first = Files.readString(dir.resolve("ca.pem"));

    CliRun again = CliRun.of("certs", "init", "--dir", dir.toString());

    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).isEqualTo("flotilla: " + dir.resolve("ca.key")
        + " already exists; remove ca.pem and ca.key first to make a new CA\n");
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(first);
  }

  @Test
  void badNamesHostsAndDaysExitTwoInOneLine() {
    Path dir = tmp.resolve("certs");
    assertThat(CliRun.of("certs", "init", "--dir", dir.toString()).exit()).isZero();

    CliRun badName = CliRun.of("certs", "issue", "../agent", "--dir", dir.toString());
    assertThat(badName.exit()).isEqualTo(2);
    assertThat(badName.err()).startsWith("flotilla: bad agent name '../agent'")
        .hasLineCount(1);

    CliRun badHost = CliRun.of("certs", "issue", "a", "--dir", dir.toString(), "--host",
        "127.0.0.1:7001");
    assertThat(badHost.exit()).isEqualTo(2);
    assertThat(badHost.err())
        .isEqualTo("flotilla: not an IP address or DNS name: '127.0.0.1:7001'\n");

    CliRun badDays = CliRun.of("certs", "issue", "a", "--dir", dir.toString(), "--days", "0");
    assertThat(badDays.exit()).isEqualTo(2);
    assertThat(badDays.err()).isEqualTo("flotilla: --days must be at least 1, not 0\n");
  }

  @Test
  void aDirectoryThatCannotBeMadeExitsTwoInOneLine() throws IOException {
    // A file where a parent directory should be: refused even to root, unlike permissions.
    Path file = Files.writeString(tmp.resolve("file"), "");
    Path dir = file.resolve("certs");

    CliRun init = CliRun.of("certs", "init", "--dir", dir.toString());

    assertThat(init.exit()).isEqualTo(2);
    assertThat(init.err()).startsWith("flotilla: cannot create directory " + dir + ": ")
        .hasLineCount(1);
  }
}
