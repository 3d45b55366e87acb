package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.client.ReadConsistency;
import io.flotilla.consensus.client.Watch;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import io.flotilla.consensus.kv.Limits;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.ratis.RatisBytes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real Ratis servers in this JVM over gRPC on loopback: the properties a fleet relies on. */
class ClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GROUP = "squad";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} voters")
  @ValueSource(ints = {3, 5})
  void aGroupElectsALeaderCommitsAndEveryReplicaHoldsTheSameState(int voters) throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, voters);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      for (int i = 0; i < 20; i++) {
        client.put("mission/waypoint-" + i, "lat,lon " + i);
      }

      assertThat(client.range("mission/").getKvsCount()).isEqualTo(20);
      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(20);
    }
  }

  @Test
  void afterTheLeaderStopsANewOneIsElectedAndNoAcknowledgedWriteIsLost() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 5);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer old = fleet.awaitLeader(WAIT);
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        client.put("k" + i, "v" + i);
        acked.add("k" + i);
      }

      fleet.stop(old.id());
      FleetServer next = fleet.awaitLeader(WAIT);
      client.put("after", "failover");

      assertThat(next.id()).isNotEqualTo(old.id());
      for (String key : acked) {
        assertThat(client.get(key)).as(key).isPresent();
      }
      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(51);
    }
  }

  @Test
  void aRestartedFollowerCatchesUpFromItsStorage() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      String follower = otherThan(fleet, leader.id());
      client.put("before", "stop");
      Replicas.awaitIdentical(fleet, WAIT);

      fleet.stop(follower);
      for (int i = 0; i < 100; i++) {
        client.put("while-down/" + i, "x");
      }
      fleet.restart(follower);

      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(101);
    }
  }

  @Test
  void aFollowerThatMissedThePurgedLogCatchesUpBySnapshot() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3,
            b -> b.snapshotThreshold(64).purgeGap(16).logSegmentSize("8KB"));
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      String follower = otherThan(fleet, leader.id());
      fleet.stop(follower);

      for (int i = 0; i < 600; i++) {
        client.put("survey/cell-" + i, "scanned by drone " + (i % 7));
      }
      await().atMost(WAIT).until(() ->
          leader.ratis().getDivision(FleetGroup.ratisId(GROUP)).getRaftLog().getStartIndex() > 100);

      FleetServer back = fleet.restart(follower);

      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(600);
      assertThat(back.ratis().getDivision(FleetGroup.ratisId(GROUP)).getStateMachine()
          .getLatestSnapshot()).as("installed snapshot").isNotNull();
      assertThat(back.stateMachine(GROUP).revision()).isEqualTo(600);
    }
  }

  @Test
  void aWatchSeesEveryEventExactlyOnceAndInOrderAcrossALeaderChange() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient writer = fleet.client(WAIT);
        FleetClient watcher = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      try (Watch ignored = watcher.watch("telemetry/", true, 1, seen::addAll)) {
        for (int i = 0; i < 300; i++) {
          if (i == 150) {
            fleet.stop(leader.id());
          }
          putUntilAcknowledged(writer, "telemetry/" + i);
        }
        long revision = writer.range("telemetry/").getRevision();
        await().atMost(WAIT).until(() -> lastRevision(seen) >= revision);

        List<Long> revisions = seen.stream().map(e -> e.getKv().getModRevision()).toList();
        List<Long> expected = new ArrayList<>();
        for (long r = 1; r <= revision; r++) {
          expected.add(r);
        }
        assertThat(revisions).isEqualTo(expected);
      }
    }
  }

  @Test
  void whenManyAgentsRaceToClaimATaskExactlyOneWins() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3)) {
      fleet.awaitLeader(WAIT);
      int agents = 8;
      List<FleetClient> clients = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(agents);
      try {
        for (int i = 0; i < agents; i++) {
          clients.add(fleet.client(WAIT));
        }
        for (int task = 0; task < 5; task++) {
          String key = "claim/task-" + task;
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Boolean>> wins = new ArrayList<>();
          for (int a = 0; a < agents; a++) {
            FleetClient c = clients.get(a);
            String me = "agent-" + a;
            wins.add(pool.submit(() -> {
              go.await();
              return c.txn(claim(key, me)).getSucceeded();
            }));
          }
          go.countDown();
          int winners = 0;
          for (Future<Boolean> w : wins) {
            winners += w.get() ? 1 : 0;
          }
          assertThat(winners).as(key).isEqualTo(1);
          assertThat(clients.get(0).get(key).orElseThrow().getVersion()).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
        clients.forEach(FleetClient::close);
      }
    }
  }

  @Test
  void addingAListenerPromotingItAndRemovingAVoterKeepTheGroupAvailable() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      AtomicBoolean writing = new AtomicBoolean(true);
      Set<String> failures = ConcurrentHashMap.newKeySet();
      Thread load = new Thread(() -> {
        for (int i = 0; writing.get(); i++) {
          try {
            client.put("load/" + (i % 50), "v" + i);
          } catch (FleetException e) {
            failures.add(e.code() + ": " + e.getMessage());
          }
        }
      });
      load.start();
      try {
        FleetServer n4 = fleet.startNew("n4");
        client.admin().addListener(FleetPeer.listener("n4", n4.address()));
        assertThat(client.admin().members()).extracting(FleetPeer::id, FleetPeer::role)
            .contains(org.assertj.core.groups.Tuple.tuple("n4", FleetPeer.Role.LISTENER));
        long committed = client.put("listener/check", "x").getRevision();
        await().atMost(WAIT).until(() -> n4.stateMachine(GROUP).revision() >= committed);

        client.admin().promote("n4");
        assertThat(client.admin().members()).filteredOn(p -> p.role() == FleetPeer.Role.VOTER)
            .extracting(FleetPeer::id).containsExactlyInAnyOrder("n1", "n2", "n3", "n4");

        String removed = otherThan(fleet, leader.id(), "n4");
        client.admin().remove(removed);
        assertThat(client.admin().members()).extracting(FleetPeer::id).doesNotContain(removed);
        fleet.stop(removed);
        client.put("after", "membership changes");
      } finally {
        writing.set(false);
        load.join();
      }
      assertThat(failures).isEmpty();
      assertThat(client.get("after")).isPresent();
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }

  @Test
  void aListenerPromotedOrSwappedInVotesAtOnceSoTheGroupSurvivesItsLeadersCrash()
      throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      FleetServer n4 = fleet.startNew("n4");
      FleetServer n5 = fleet.startNew("n5");
      client.admin().addListener(FleetPeer.listener("n4", n4.address()));
      client.admin().addListener(FleetPeer.listener("n5", n5.address()));
      client.put("before", "promotion");

      // Two voters leave: a promoted n4 and a swapped-in n5 must carry the group with one of
      // the original voters once the leader that added them is gone.
      String stays = otherThan(fleet, leader.id(), "n4", "n5");
      String swapped = otherThan(fleet, leader.id(), stays, "n4", "n5");
      client.admin().promote("n4");
      client.admin().swap(swapped, "n5");
      client.admin().remove(swapped);
      assertThat(client.admin().members()).filteredOn(p -> p.role() == FleetPeer.Role.VOTER)
          .extracting(FleetPeer::id)
          .containsExactlyInAnyOrder(leader.id(), stays, "n4", "n5");
      for (FleetServer s : List.of(n4, n5)) {
        await().atMost(WAIT).until(() -> s.ratis().getDivision(fleet.group().ratisId())
            .getInfo().getLifeCycleState() == org.apache.ratis.util.LifeCycle.State.RUNNING);
      }
      fleet.stop(leader.id());

      client.put("after", "the leader that promoted them is gone");
      assertThat(client.get("after")).isPresent();
    }
  }

  @Test
  void badInputGetsAClearErrorAndChangesNothing() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3,
            b -> b.limits(Limits.DEFAULT.withMaxValueBytes(1024)));
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      client.put("plan", "v1");
      var before = Replicas.awaitIdentical(fleet, WAIT);
      var keysBefore = client.range("");

      assertCode(() -> client.put("", "x"), FleetException.Code.INVALID_ARGUMENT,
          "key must not be empty");
      assertCode(() -> client.put("big", "x".repeat(1025)), FleetException.Code.INVALID_ARGUMENT,
          "value is 1025 bytes, over the limit of 1024");
      assertCode(() -> client.put(PutRequest.newBuilder().setKey(utf8("k")).setLease(777).build()),
          FleetException.Code.LEASE_NOT_FOUND, "lease 777 not found");
      try (RaftClient raw = RaftClient.newBuilder().setRaftGroup(fleet.group().toRatis())
          .setProperties(new org.apache.ratis.conf.RaftProperties()).build()) {
        assertThatThrownBy(() -> raw.io().send(RatisBytes.message(
            ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x07}))))
            .isInstanceOf(StateMachineException.class)
            .hasMessageContaining("malformed command");
      }

      // A missing lease is only known at apply time, so that refusal used a log index; the
      // state is what must not change.
      var after = Replicas.awaitIdentical(fleet, WAIT);
      assertThat(after.getRevision()).isEqualTo(before.getRevision());
      assertThat(client.range("")).isEqualTo(keysBefore);
      assertThat(client.get("plan").orElseThrow().getValue().toStringUtf8()).isEqualTo("v1");
    }
  }

  @Test
  void aStaleReadFromAFollowerWaitsForTheIndexItWasAskedFor() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      String follower = otherThan(fleet, leader.id());
      client.put("plan", "v2");
      long index = leader.status(GROUP).commitIndex();

      assertThat(client.get("plan", ReadConsistency.stale(follower, index)).orElseThrow()
          .getValue().toStringUtf8()).isEqualTo("v2");
      assertThat(client.get("plan", ReadConsistency.LEADER_LOCAL)).isPresent();
    }
  }

  @Test
  void withLeaderLeaseReadsALinearizableReadSeesTheLatestWrite() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3, b -> b.readMode(ReadMode.LEADER_LEASE));
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      for (int i = 0; i < 20; i++) {
        client.put("plan", "v" + i);
        assertThat(client.get("plan").orElseThrow().getValue().toStringUtf8()).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void aClientOfAGroupWithNoLiveServerFailsWithinItsDeadlineInsteadOfRetryingForever()
      throws Exception {
    FleetGroup nowhere;
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3)) {
      nowhere = fleet.group();
    }
    Duration attempt = Duration.ofMillis(500);
    Duration pause = Duration.ofMillis(50);
    int retries = 100;
    try (FleetClient client = FleetClient.builder(nowhere).timeout(Duration.ofSeconds(2))
        .attemptTimeout(attempt).retries(retries, pause).build()) {
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> client.put("plan", "x"))
          .isInstanceOfSatisfying(FleetException.class, e -> assertThat(e.code())
              .isIn(FleetException.Code.TIMEOUT, FleetException.Code.UNAVAILABLE));
      // The property is that the deadline, not the retry policy, ends the call: the retries
      // alone would take many deadlines, far more than any load delays a failing call by.
      Duration retrying = attempt.plus(pause).multipliedBy(retries);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(retrying.dividedBy(2));
    }
  }

  @Test
  void leadershipMovesOnRequestAndVotersAddedDirectlyJoinTheQuorum() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      String target = otherThan(fleet, leader.id());
      Set<String> told = ConcurrentHashMap.newKeySet();
      fleet.servers().forEach(s -> s.onLeaderChange(() -> told.add(s.id())));

      client.admin().transferLeadership(target);
      await().atMost(WAIT).until(() -> fleet.leader().map(FleetServer::id).orElse("")
          .equals(target));
      await("every member told of the new leader").atMost(WAIT).until(() -> told.size() == 3);

      client.admin().setPriority(target, 5);
      assertThat(client.admin().members()).filteredOn(p -> p.id().equals(target))
          .extracting(FleetPeer::priority).containsExactly(5);

      FleetServer n4 = fleet.startNew("n4");
      client.admin().addVoter(FleetPeer.voter("n4", n4.address()));
      assertThat(client.admin().members()).filteredOn(p -> p.role() == FleetPeer.Role.VOTER)
          .hasSize(4);
      client.put("after", "four voters");
      Replicas.awaitIdentical(fleet, WAIT);
    }
  }

  // ---- helpers ------------------------------------------------------------------------

  private static void putUntilAcknowledged(FleetClient c, String key) {
    for (int attempt = 0; ; attempt++) {
      try {
        c.put(key, "x");
        return;
      } catch (FleetException e) {
        if (attempt > 20) {
          throw e;
        }
      }
    }
  }

  private static long lastRevision(List<Event> events) {
    synchronized (events) {
      return events.isEmpty() ? 0 : events.get(events.size() - 1).getKv().getModRevision();
    }
  }

  private static TxnRequest claim(String key, String agent) {
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(utf8(key)).setVersion(0))
        .addSuccess(RequestOp.newBuilder().setPut(
            PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(agent))))
        .addFailure(RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(utf8(key))))
        .build();
  }

  private static String otherThan(LocalFleet fleet, String... ids) {
    Set<String> not = Set.of(ids);
    return fleet.servers().stream().map(FleetServer::id).filter(id -> !not.contains(id))
        .findFirst().orElseThrow();
  }

  private static void assertCode(Runnable call, FleetException.Code code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(FleetException.class, e -> {
      assertThat(e.code()).isEqualTo(code);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

}
