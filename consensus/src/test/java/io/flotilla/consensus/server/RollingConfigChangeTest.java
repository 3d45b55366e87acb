package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.proto.GroupRules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group whose members are configured differently, as while a config change rolls through
 * it: the replicas never diverge, and the group applies by the rules of the member leading it.
 */
class RollingConfigChangeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GROUP = "squad";
  private static final Limits STRICT = Limits.DEFAULT.withMaxValueBytes(8);
  private static final String LONG_VALUE = "a value longer than eight bytes";

  @TempDir Path dir;

  /**
   * A leader proposes its rules on its own duty timer; a client's first writes must not wait for
   * it. Here the duties never run, so only the rules that ride with the client's own entry can
   * make the group apply it by the leader's config.
   */
  @Test
  void aClientsFirstWriteToANewLeaderAppliesByThatLeadersRules() throws Exception {
    Limits shortLeases = Limits.DEFAULT.withMinLeaseTtlMillis(200);
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3,
            b -> b.limits(shortLeases).sharedTimers(new ManualTimers()));
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      assertThat(client.grantLease(Duration.ofMillis(200)).getTtlMillis()).isEqualTo(200);
      awaitRules(fleet, shortLeases.rules(false));
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }

  @Test
  void membersConfiguredDifferentlyApplyAlikeByTheLeadersRules() throws Exception {
    try (LocalFleet fleet = LocalFleet.startConfigured(dir, GROUP, 3,
            (id, b) -> id.equals("n1") ? b.limits(STRICT).requireSignatures(true) : b);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      lead(fleet, client, "n2");
      awaitRules(fleet, Limits.DEFAULT.rules(false));
      client.put("plan", LONG_VALUE);
      Replicas.awaitIdentical(fleet, WAIT);

      lead(fleet, client, "n1");
      awaitRules(fleet, STRICT.rules(true));
      assertThatThrownBy(() -> client.put("plan", "another long value"))
          .isInstanceOfSatisfying(FleetException.class,
              e -> assertThat(e.code()).isEqualTo(FleetException.Code.INVALID_ARGUMENT));
      assertThatThrownBy(() -> client.put("note", "short"))
          .isInstanceOfSatisfying(FleetException.class,
              e -> assertThat(e.code()).isEqualTo(FleetException.Code.PERMISSION_DENIED));
      Replicas.awaitIdentical(fleet, WAIT);
      // Every replica counted the unsigned refusal where it applied.
      for (FleetServer s : fleet.servers()) {
        assertThat(s.stateMachine(GROUP).identities().getRejections().getUnsigned()).isEqualTo(1);
      }

      lead(fleet, client, "n3");
      awaitRules(fleet, Limits.DEFAULT.rules(false));
      client.put("note", "short");
      assertThat(client.get("plan").orElseThrow().getValue().toStringUtf8()).isEqualTo(LONG_VALUE);
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }

  private static void lead(LocalFleet fleet, FleetClient client, String id) {
    client.admin().transferLeadership(id);
    await().atMost(WAIT).until(() -> fleet.leader().map(FleetServer::id).orElse("").equals(id));
  }

  private static void awaitRules(LocalFleet fleet, GroupRules rules) {
    await().atMost(WAIT)
        .until(() -> fleet.servers().stream().allMatch(s -> rulesOf(s).equals(rules)));
  }

  private static GroupRules rulesOf(FleetServer s) {
    try {
      return s.stateMachine(GROUP).rules();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
