package io.flotilla.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.Squads;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.RouteStatus;
import io.flotilla.agent.api.StatusCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.config.AgentFile;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A squad of three agent nodes forwarding to and from a council of three. */
class SquadForwardingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void decisionsGoUpAndFleetDecisionsComeDownExactlyOnceAcrossASquadLeaderChange()
      throws Exception {
    try (Squads fleet = new Squads(dir)) {
      List<String> council = fleet.group("council", "g", 3, 3, g -> g);
      startSquadForwardingTo(fleet, council);

      for (int i = 0; i < 40; i++) {
        put(fleet, "d3", "squad-1", "decisions/task-" + i, "drone-" + i);
      }
      put(fleet, "g1", "council", "fleet/airspace/sector-4", "reserved for squad-1");
      await().atMost(WAIT).until(() -> range(fleet, "g1", "council", "squads/squad-1/").size()
          == 40);
      await().atMost(WAIT).until(() -> range(fleet, "d3", "squad-1", "fleet/").size() == 1);

      // The squad's leader goes; its successor resumes from the council's cursor.
      String leader = fleet.leader("squad-1");
      String via = leader.equals("d3") ? "d2" : "d3";
      fleet.stop(leader);
      for (int i = 40; i < 60; i++) {
        put(fleet, via, "squad-1", "decisions/task-" + i, "drone-" + i);
      }
      await().atMost(WAIT).until(() -> range(fleet, "g1", "council", "squads/squad-1/").size()
          == 60);

      List<KeyValue> up = range(fleet, "g1", "council", "squads/squad-1/decisions/");
      assertThat(up).extracting(KeyValue::getVersion).containsOnly(1L);
      assertThat(up).filteredOn(kv -> kv.getKey().toStringUtf8().endsWith("/task-42"))
          .extracting(kv -> kv.getValue().toStringUtf8()).containsExactly("drone-42");
      assertThat(range(fleet, via, "squad-1", "fleet/")).extracting(KeyValue::getVersion)
          .containsExactly(1L);
    }
  }

  @Test
  void aRouteTheCouncilRefusesIsReportedStuckWhileTheOtherRouteGoesOn() throws Exception {
    try (Squads fleet = new Squads(dir)) {
      List<String> council = fleet.group("council", "g", 3, 3, g -> g);
      for (String g : council) {
        fleet.configure(g, "limits:\n  max-key-bytes: 48\n");
      }
      startSquadForwardingTo(fleet, council);

      // 41 bytes in the squad; re-rooted under squads/squad-1/, 56 in the council.
      put(fleet, "d1", "squad-1", "decisions/" + "x".repeat(31), "v");
      await().atMost(WAIT).until(() -> stuck(fleet, fleet.leader("squad-1")).contains(
          "key is 56 bytes, over the limit of 48"));
      put(fleet, "g1", "council", "fleet/airspace/sector-4", "reserved");
      await().atMost(WAIT).until(() -> range(fleet, "d1", "squad-1", "fleet/").size() == 1);

      String leader = fleet.leader("squad-1");
      RouteStatus up = routes(fleet, leader).get(0);
      assertThat(up.getName()).isEqualTo("up");
      assertThat(up.getToGroup()).isEqualTo("council");
      assertThat(routes(fleet, leader).get(1).getStuck()).isEmpty();
      // The stuck route falls behind for as long as it is stuck; the other one keeps up.
      await().atMost(WAIT).until(() -> routes(fleet, leader).get(0).getBehindMillis() > 0);
      assertThat(routes(fleet, leader).get(1).getBehindMillis()).isZero();
      URI scrape = URI.create("http://127.0.0.1:" + fleet.agent(leader).node().metricsPort()
          + "/metrics");
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(scrape).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("flotilla_forward_stuck{group=\"squad-1\"} 1.0");
    }
  }

  /** Squad-1 (d1..d3) forwarding decisions/ up to the council and fleet/ down; both led. */
  private static void startSquadForwardingTo(Squads fleet, List<String> council)
      throws Exception {
    fleet.group("squad-1", "d", 3, 3, g -> g.withForward(new AgentFile.Forward(
        AgentFile.Group.of("council", fleet.members(council)), "decisions/", "fleet/", 16, 200L)));
    fleet.startAll();
    await().atMost(WAIT).until(() -> fleet.leader("council") != null
        && fleet.leader("squad-1") != null);
  }

  private static String stuck(Squads fleet, String agent) {
    return agent == null ? "" : routes(fleet, agent).stream().map(RouteStatus::getStuck)
        .reduce("", String::concat);
  }

  private static List<RouteStatus> routes(Squads fleet, String agent) {
    return StatusGrpc.newBlockingStub(fleet.agent(agent).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS).status(StatusCall.getDefaultInstance())
        .getGroupsList().stream().filter(g -> g.getGroup().equals("squad-1")).findFirst()
        .orElseThrow().getRoutesList();
  }

  private static void put(Squads fleet, String via, String group, String key, String value) {
    KVGrpc.newBlockingStub(fleet.agent(via).channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .put(PutCall.newBuilder().setGroup(group).setPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)))
            .build());
  }

  private static List<KeyValue> range(Squads fleet, String via, String group, String prefix) {
    return KVGrpc.newBlockingStub(fleet.agent(via).channel())
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .range(RangeCall.newBuilder().setGroup(group).setRange(RangeRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8(prefix)).setPrefix(true)).build())
        .getKvsList();
  }
}
