package io.flotilla.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotilla.agent.trust.FleetCa;
import io.flotilla.agent.limits.ClientLimits;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.server.TuningProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(f, text);
    return f;
  }

  private static final String SQUAD = """
      id: a
      raft-address: 127.0.0.1:7001
      groups:
        - id: squad
          members:
            - {id: a, address: 127.0.0.1:7001}
            - {id: b, address: 127.0.0.1:7002, role: listener}
      """;

  @Test
  void withNoFileANodeRunsAloneOnThisMachine() throws Exception {
    AgentConfig c = ConfigLoader.load(null, Map.of(), Map.of());

    assertThat(c.id()).isEqualTo("agent-1");
    assertThat(c.raftAddress().toString()).isEqualTo("127.0.0.1:7001");
    assertThat(c.apiAddress().toString()).isEqualTo("127.0.0.1:7101");
    assertThat(c.profile()).isEqualTo(TuningProfile.LAN);
    assertThat(c.groups()).singleElement().satisfies(g -> {
      assertThat(g.name()).isEqualTo("default");
      assertThat(g.peers()).containsExactly(FleetPeer.voter("agent-1", "127.0.0.1:7001"));
    });
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws Exception {
    Path f = yaml(SQUAD + "profile: lan\napi-address: 127.0.0.1:9000\n");

    AgentConfig c = ConfigLoader.load(f,
        Map.of("FLOTILLA_PROFILE", "radio", "FLOTILLA_API_ADDRESS", "127.0.0.1:9001"),
        Map.of("api-address", "127.0.0.1:9002"));

    assertThat(c.profile()).isEqualTo(TuningProfile.RADIO);
    assertThat(c.apiAddress().port()).isEqualTo(9002);
    assertThat(c.groups().get(0).peers()).extracting(FleetPeer::role)
        .containsExactly(FleetPeer.Role.VOTER, FleetPeer.Role.LISTENER);
  }

  @Test
  void anUnknownKeyIsNamedWithItsLine() throws Exception {
    Path f = yaml("id: a\nraft-adress: 127.0.0.1:7001\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: raft-adress: unknown key (line 2 of " + f + ")");
  }

  @Test
  void tlsNeedsAllThreeReadableFilesAndAccessNeedsTls() throws Exception {
    Files.writeString(dir.resolve("ca.pem"), "x");
    Files.writeString(dir.resolve("a.pem"), "x");
    String tls = "tls: {ca: " + dir.resolve("ca.pem") + ", cert: " + dir.resolve("a.pem")
        + ", key: %s}\n";
    Path noKey = yaml(SQUAD + "tls: {ca: " + dir.resolve("ca.pem") + ", cert: "
        + dir.resolve("a.pem") + "}\n");
    assertThatThrownBy(() -> ConfigLoader.load(noKey, Map.of(), Map.of()))
        .hasMessage("config: tls.key: missing (tls needs ca, cert and key)");
    Path missingKey = yaml(SQUAD + tls.formatted(dir.resolve("a.key")));
    assertThatThrownBy(() -> ConfigLoader.load(missingKey, Map.of(), Map.of()))
        .hasMessage("config: tls.key: " + dir.resolve("a.key") + " is not a readable file");

    Path plaintextAccess = yaml(SQUAD + "access:\n  - {client: ops, role: admin}\n");
    assertThatThrownBy(() -> ConfigLoader.load(plaintextAccess, Map.of(), Map.of()))
        .hasMessage("config: access: needs tls: clients are named by their certificates");

    Files.writeString(dir.resolve("a.key"), "x");
    String withTls = SQUAD + tls.formatted(dir.resolve("a.key")) + "access:\n";
    Path badRole = yaml(withTls + "  - {client: ops, role: root}\n");
    assertThatThrownBy(() -> ConfigLoader.load(badRole, Map.of(), Map.of()))
        .hasMessage("config: access[0].role: 'root' is not one of [admin, read, write]");
    Path readPrefix = yaml(withTls + "  - {client: ops, role: read, prefix: a/}\n");
    assertThatThrownBy(() -> ConfigLoader.load(readPrefix, Map.of(), Map.of()))
        .hasMessage("config: access[0].prefix: only a write role has a prefix");
    Path twice = yaml(withTls + "  - {client: ops, role: read}\n  - {client: ops, role: admin}\n");
    assertThatThrownBy(() -> ConfigLoader.load(twice, Map.of(), Map.of()))
        .hasMessage("config: access[1].client: 'ops' is listed twice");

    AgentConfig ok = ConfigLoader.load(yaml(withTls
        + "  - {client: autopilot, role: write, prefix: mission/}\n"), Map.of(), Map.of());
    assertThat(ok.access()).singleElement().satisfies(r -> {
      assertThat(r.client()).isEqualTo("autopilot");
      assertThat(r.prefix()).isEqualTo("mission/");
    });
    assertThatThrownBy(() -> ConfigLoader.checkRunnable(ok))
        .hasMessageStartingWith("config: tls: " + dir.resolve("ca.pem"));
  }

  @Test
  void anIdentityKeyMustBeAReadableEd25519KeyAndSignedProposalsRequiredOrOptional()
      throws Exception {
    FleetCa.init(dir.resolve("certs")).issue("a", List.of(), Duration.ofDays(1),
        dir.resolve("certs"));
    Path identity = dir.resolve("certs/a.identity.key");
    Path tlsKey = dir.resolve("certs/a.key");

    AgentConfig signing = ConfigLoader.load(yaml(SQUAD + "identity-key: " + identity
        + "\nsigned-proposals: required\n"), Map.of(), Map.of());
    assertThat(signing.identityKey()).isNotNull();
    assertThat(signing.requireSignedProposals()).isTrue();
    AgentConfig plain = ConfigLoader.load(yaml(SQUAD), Map.of(), Map.of());
    assertThat(plain.identityKey()).isNull();
    assertThat(plain.requireSignedProposals()).isFalse();

    Path missing = yaml(SQUAD + "identity-key: " + dir.resolve("nope.key") + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of(), Map.of()))
        .hasMessageStartingWith("config: identity-key: cannot read " + dir.resolve("nope.key"));
    Path ec = yaml(SQUAD + "identity-key: " + tlsKey + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(ec, Map.of(), Map.of()))
        .hasMessage("config: identity-key: " + tlsKey + " holds an EC key, not an Ed25519 one "
            + "(flotilla certs issue writes NAME.identity.key)");
    Path badPolicy = yaml(SQUAD + "signed-proposals: always\n");
    assertThatThrownBy(() -> ConfigLoader.load(badPolicy, Map.of(), Map.of()))
        .hasMessage("config: signed-proposals: 'always' is not one of [optional, required]");
  }

  @Test
  void aKeyOrValueThatBreaksLinesIsEscapedToKeepTheMessageOneLine() throws Exception {
    Path f = yaml("\"raft\\nadress\": 127.0.0.1:7001\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .hasMessage("config: raft\\nadress: unknown key (line 1 of " + f + ")");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("id: \"a\\r\\u2028b\\x85\"\n"), Map.of(), Map.of()))
        .hasMessage("config: id: 'a\\r\\u2028b\\u0085' must be letters, digits, '.', '_' or '-'");
  }

  private static final String FORWARDING = SQUAD.replace("    members:\n", ""
      + "    voters: 1\n"
      + "    forward:\n"
      + "      council: {id: council, members: [{id: g1, address: 127.0.0.1:7101}]}\n"
      + "      up: decisions/\n"
      + "      down: fleet/\n"
      + "      batch: 32\n"
      + "      delay-ms: 250\n"
      + "    members:\n");

  @Test
  void aSquadNamesItsTargetVotersAndItsCouncil() throws Exception {
    AgentConfig c = ConfigLoader.load(yaml("kind: ground\nvoter-eligible: false\n" + FORWARDING),
        Map.of(), Map.of());
    assertThat(c.kind()).isEqualTo("ground");
    assertThat(c.voterEligible()).isFalse();
    assertThat(c.targetVoters()).containsExactly(Map.entry("squad", 1));
    var f = c.forwarding().get("squad");
    assertThat(f.council().name()).isEqualTo("council");
    assertThat(f.council().peers()).extracting(FleetPeer::id).containsExactly("g1");
    assertThat(f.up()).isEqualTo("decisions/");
    assertThat(f.down()).isEqualTo("fleet/");
    assertThat(f.batch()).isEqualTo(32);
    assertThat(f.delay()).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigLoader.load(yaml(SQUAD), Map.of(), Map.of()).voterEligible()).isTrue();
  }

  @Test
  void badSquadSettingsNameTheirKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(yaml(FORWARDING.replace("voters: 1", "voters: 0")),
        Map.of(), Map.of())).hasMessage("config: groups[0].voters: a group needs at least 1 "
        + "voter, not 0");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(FORWARDING.replace("batch: 32", "batch: 128")),
        Map.of(), Map.of())).hasMessage("config: groups[0].forward.batch: 128 must be 1 to 127 "
        + "(one transaction op stays for the cursor)");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(FORWARDING.replace("up: decisions/",
        "up: _flotilla/presence/")), Map.of(), Map.of())).hasMessage("config: groups[0].forward"
        + ".up: '_flotilla/presence/' must be a non-empty prefix outside _flotilla/");
    assertThatThrownBy(() -> ConfigLoader.load(yaml(FORWARDING.replace("id: council", "id: squad")),
        Map.of(), Map.of())).hasMessage("config: groups[0].forward.council: a group cannot "
        + "forward to itself");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("kind: boat\n" + SQUAD), Map.of(), Map.of()))
        .hasMessage("config: kind: 'boat' is not one of [ground, mobile]");
  }

  @Test
  void aPeerWithoutAnAddressIsNamed() throws Exception {
    Path f = yaml(SQUAD.replace("{id: b, address: 127.0.0.1:7002, role: listener}", "{id: b}"));
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .hasMessage("config: groups[0].members[1].address: missing for peer b");
  }

  @Test
  void anAgentMustBeAMemberOfItsGroupsAtItsOwnAddress() throws Exception {
    Path f = yaml(SQUAD);
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of("id", "c")))
        .hasMessage("config: groups[0].members: this agent (c) is not a member of group squad");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of("raft-address", "127.0.0.1:7009")))
        .hasMessageContaining("its raft-address is 127.0.0.1:7009");
  }

  @Test
  void badValuesNameTheirKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("FLOTILLA_PROFILE", "wifi"), Map.of()))
        .hasMessage("config: profile: 'wifi' is not one of [lan, radio]");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("api-address", "localhost")))
        .hasMessage("config: api-address: 'localhost' is not host:port");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("limits: {max-value-bytes: -1}\n"), Map.of(), Map.of()))
        .hasMessage("config: limits: limits must be positive");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("id: [a, b]\n"), Map.of(), Map.of()))
        .hasMessageStartingWith("config: id: ");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("data-dir: \"a\\0b\"\n"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: data-dir: 'a\\u0000b' is not a path: Nul character not allowed");
  }

  @Test
  void clientLimitsHaveSafeDefaultsAndTheirBurstFollowsTheRate() throws Exception {
    assertThat(ConfigLoader.load(null, Map.of(), Map.of()).clientLimits())
        .isEqualTo(ClientLimits.DEFAULT);
    AgentConfig c = ConfigLoader.load(
        yaml("client-limits: {requests-per-second: 100, watches: 0}\n"), Map.of(), Map.of());
    assertThat(c.clientLimits()).isEqualTo(
        new ClientLimits(100, 100, 0, ClientLimits.DEFAULT.leases()));
  }

  @Test
  void badClientLimitsNameTheirKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(yaml("client-limits: {watches: -1}\n"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config: client-limits: watches must not be negative (got -1; 0 turns the limit off)");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("client-limits: {burst: 0}\n"), Map.of(), Map.of()))
        .hasMessage("config: client-limits: burst must be at least 1 (got 0)");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("client-limits: {leases: many}\n"), Map.of(), Map.of()))
        .hasMessageStartingWith("config: client-limits.leases: ")
        .hasMessageNotContaining("\n");
    Path f = yaml("client-limits:\n  rate: 5\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), Map.of()))
        .hasMessage("config: client-limits.rate: unknown key (line 2 of " + f + ")");
  }

  @Test
  void aPortInUseIsRefusedBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AgentConfig c = ConfigLoader.load(null, Map.of(), Map.of(
          "api-address", "127.0.0.1:" + taken.getLocalPort(),
          "data-dir", dir.resolve("data").toString()));
      assertThatThrownBy(() -> ConfigLoader.checkRunnable(c))
          .hasMessageStartingWith("config: api-address: 127.0.0.1:" + taken.getLocalPort()
              + " cannot be bound");
    }
  }

  @Test
  void aDataDirectoryThatCannotBeWrittenIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    AgentConfig c = ConfigLoader.load(null, Map.of(),
        Map.of("data-dir", file.resolve("data").toString()));
    assertThatThrownBy(() -> ConfigLoader.checkRunnable(c))
        .hasMessageStartingWith("config: data-dir: " + file.resolve("data") + " is not writable");
  }

  @Test
  void aJoiningGroupListsTheCurrentMembersOnly() throws Exception {
    Path f = yaml("""
        id: c
        raft-address: 127.0.0.1:7003
        groups:
          - id: squad
            join: true
            members:
              - {id: a, address: 127.0.0.1:7001}
        """);
    AgentConfig c = ConfigLoader.load(f, Map.of(), Map.of());
    assertThat(c.joining()).containsExactly("squad");
  }
}
