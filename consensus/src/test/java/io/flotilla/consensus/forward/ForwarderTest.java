package io.flotilla.consensus.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.LocalFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A squad and a council of real Ratis servers: what forwarding between them guarantees. */
class ForwarderTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(50);

  @TempDir Path dir;

  @Test
  void decisionsReachTheCouncilExactlyOnceInBatchesWhileOtherKeysStayHome() throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3);
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(WAIT)) {
      for (int i = 0; i < 150; i++) {
        s.put("decisions/task-" + i, "drone-" + (i % 7));
        s.put("telemetry/drone-" + (i % 7), "pos " + i);
      }
      s.put("decisions/task-3", "drone-9");
      s.delete("decisions/task-4");
      Forwarder up = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 64, POLL);

      int batches = 0;
      int copied = 0;
      for (int n; (n = up.forwardOnce()) > 0; ) {
        assertThat(n).isLessThanOrEqualTo(64);
        batches++;
        copied += n;
      }

      assertThat(copied).isEqualTo(152);
      assertThat(batches).isEqualTo(3);
      assertThat(prefix(c, "squads/squad-1/")).isEqualTo(rerooted(prefix(s, "decisions/"),
          "decisions/", "squads/squad-1/decisions/"));
      assertThat(prefix(c, "squads/squad-1/")).containsEntry("squads/squad-1/decisions/task-3",
          "drone-9").doesNotContainKey("squads/squad-1/decisions/task-4").hasSize(149);
      assertThat(prefix(c, "telemetry/")).isEmpty();
      assertThat(up.forwardOnce()).isZero();
    }
  }

  @Test
  void racingForwardersAndLeaderChangesOnBothSidesNeverApplyAnEventTwice() throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3);
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(WAIT);
        FleetClient s2 = squad.client(WAIT);
        FleetClient c2 = council.client(WAIT)) {
      for (int i = 0; i < 200; i++) {
        s.put("decisions/task-" + i, "v" + i);
      }
      // Two forwarders, as an old and a new squad leader would be for a moment.
      Forwarder a = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 16, POLL);
      Forwarder b = new Forwarder(Route.up("squad-1", "decisions/"), s2, c2, 16, POLL);
      AtomicInteger applied = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> fa = pool.submit(() -> drain(a, applied));
        Future<?> fb = pool.submit(() -> drain(b, applied));
        transferAway(council, c);
        transferAway(squad, s);
        fa.get();
        fb.get();
      } finally {
        pool.shutdownNow();
      }
      drain(a, applied);

      assertThat(applied.get()).isEqualTo(200);
      assertThat(prefix(c, "squads/squad-1/decisions/")).hasSize(200);
      // Each target key was written once: its version is 1.
      assertThat(c.range("squads/squad-1/decisions/").getKvsList())
          .extracting(KeyValue::getVersion).containsOnly(1L);
    }
  }

  @Test
  void aSquadCutOffFromTheCouncilKeepsCommittingAndTheBacklogArrivesAfterTheHeal()
      throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3);
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(Duration.ofSeconds(2))) {
      council.awaitLeader(WAIT);
      Forwarder up = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 64, POLL);
      s.put("decisions/before", "cut");
      assertThat(up.forwardOnce()).isEqualTo(1);

      council.stop("n1");
      council.stop("n2");
      for (int i = 0; i < 100; i++) {
        s.put("decisions/during-" + i, "cut off");
      }
      assertThatThrownBy(up::forwardOnce).isInstanceOf(FleetException.class);

      council.restart("n1");
      council.restart("n2");
      council.awaitLeader(WAIT);
      try (FleetClient healed = council.client(WAIT)) {
        Forwarder after = new Forwarder(Route.up("squad-1", "decisions/"), s, healed, 64, POLL);
        AtomicInteger applied = new AtomicInteger();
        drain(after, applied);
        assertThat(applied.get()).isEqualTo(100);
        assertThat(prefix(healed, "squads/squad-1/decisions/")).hasSize(101);
      }
    }
  }

  @Test
  void councilDecisionsFlowDownIntoEverySquad() throws Exception {
    try (LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        LocalFleet squad1 = LocalFleet.start(dir.resolve("s1"), "squad-1", 3);
        LocalFleet squad2 = LocalFleet.start(dir.resolve("s2"), "squad-2", 3);
        FleetClient c = council.client(WAIT);
        FleetClient s1 = squad1.client(WAIT);
        FleetClient s2 = squad2.client(WAIT)) {
      c.put("fleet/airspace/reservation-7", "squad-1 until 14:00");
      c.put("squads/squad-1/decisions/task-1", "drone-3");
      for (FleetClient squadClient : new FleetClient[] {s1, s2}) {
        Forwarder down = new Forwarder(Route.down("council", "fleet/"), c, squadClient, 64, POLL);
        drain(down, new AtomicInteger());
        assertThat(prefix(squadClient, "")).containsOnlyKeys(
            "fleet/airspace/reservation-7", "_flotilla/forward/down/council");
      }
    }
  }

  @Test
  void aCursorOlderThanTheSourcesHistoryCopiesTheCurrentValues() throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3,
            b -> b.limits(Limits.DEFAULT.withWatchHistory(10)));
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(WAIT)) {
      for (int i = 0; i < 30; i++) {
        s.put("decisions/task-" + (i % 12), "v" + i);
      }
      Forwarder up = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 5, POLL);
      drain(up, new AtomicInteger());
      assertThat(prefix(c, "squads/squad-1/")).isEqualTo(rerooted(prefix(s, "decisions/"),
          "decisions/", "squads/squad-1/decisions/"));
      s.put("decisions/task-0", "latest");
      drain(up, new AtomicInteger());
      assertThat(prefix(c, "squads/squad-1/")).containsEntry("squads/squad-1/decisions/task-0",
          "latest");
    }
  }

  @Test
  void aDeletionInTheCompactedGapIsForwardedToo() throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3,
            b -> b.limits(Limits.DEFAULT.withWatchHistory(10)));
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(WAIT)) {
      for (int i = 0; i < 6; i++) {
        s.put("decisions/task-" + i, "v" + i);
      }
      Forwarder up = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 4, POLL);
      drain(up, new AtomicInteger());
      assertThat(prefix(c, "squads/squad-1/")).containsKey("squads/squad-1/decisions/task-3");

      s.delete("decisions/task-3");
      for (int i = 0; i < 20; i++) {
        s.put("decisions/task-" + (i % 3), "w" + i);
      }
      drain(up, new AtomicInteger());

      assertThat(prefix(c, "squads/squad-1/")).isEqualTo(rerooted(prefix(s, "decisions/"),
          "decisions/", "squads/squad-1/decisions/"));
      assertThat(prefix(c, "squads/squad-1/")).doesNotContainKey("squads/squad-1/decisions/task-3");
      s.put("decisions/task-9", "after the resync");
      drain(up, new AtomicInteger());
      assertThat(prefix(c, "squads/squad-1/")).containsEntry("squads/squad-1/decisions/task-9",
          "after the resync");
    }
  }

  @Test
  void aSourceTransactionLargerThanABatchArrivesInPartsAndOnce() throws Exception {
    try (LocalFleet squad = LocalFleet.start(dir.resolve("s"), "squad-1", 3);
        LocalFleet council = LocalFleet.start(dir.resolve("c"), "council", 3);
        FleetClient s = squad.client(WAIT);
        FleetClient c = council.client(WAIT)) {
      s.put("decisions/before", "1");
      // As many puts as one transaction may hold: with the cursor, more than the target's.
      TxnRequest.Builder big = TxnRequest.newBuilder();
      for (int i = 0; i < Limits.DEFAULT.maxTxnOps(); i++) {
        big.addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("decisions/task-" + i))
            .setValue(ByteString.copyFromUtf8("v" + i))));
      }
      s.txn(big.build());
      s.put("decisions/after", "2");
      Forwarder up = new Forwarder(Route.up("squad-1", "decisions/"), s, c, 64, POLL);

      AtomicInteger applied = new AtomicInteger();
      drain(up, applied);

      assertThat(applied).hasValue(Limits.DEFAULT.maxTxnOps() + 2);
      assertThat(prefix(c, "squads/squad-1/")).isEqualTo(rerooted(prefix(s, "decisions/"),
          "decisions/", "squads/squad-1/decisions/"));
    }
  }

  @Test
  void aRouteMayNotWriteWhereCursorsAreKept() {
    assertThatThrownBy(() -> new Route("up", "a/", "_flotilla/forward/x/", "_flotilla/forward/c"))
        .hasMessageContaining("may not write under _flotilla/forward/");
  }

  private static void drain(Forwarder f, AtomicInteger applied) {
    long idleSince = System.nanoTime();
    // Another forwarder may hold the cursor for a moment: stop after a quiet half second.
    while (System.nanoTime() - idleSince < 500_000_000L) {
      int n;
      try {
        n = f.forwardOnce();
      } catch (FleetException e) {
        n = 0;
      }
      applied.addAndGet(n);
      if (n > 0) {
        idleSince = System.nanoTime();
      }
    }
  }

  private static void transferAway(LocalFleet fleet, FleetClient client) throws Exception {
    String leader = fleet.awaitLeader(WAIT).id();
    String other = fleet.servers().stream().map(FleetServer::id).filter(id -> !id.equals(leader))
        .findFirst().orElseThrow();
    client.admin().transferLeadership(other);
  }

  private static Map<String, String> prefix(FleetClient client, String prefix) {
    Map<String, String> out = new TreeMap<>();
    client.range(prefix).getKvsList().forEach(kv -> out.put(kv.getKey().toStringUtf8(),
        kv.getValue().toStringUtf8()));
    return out;
  }

  private static Map<String, String> rerooted(Map<String, String> m, String from, String to) {
    Map<String, String> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(to + k.substring(from.length()), v));
    return out;
  }
}
