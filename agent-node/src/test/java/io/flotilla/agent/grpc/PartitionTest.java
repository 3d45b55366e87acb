package io.flotilla.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.flotilla.agent.InProcessAgents;
import io.flotilla.agent.api.Consistency;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agent nodes in this JVM on real sockets and real Ratis; two stop, leaving the third a
 * minority of its group: what a client of that third node sees, and what it sees once the two
 * are back.
 */
class PartitionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static KVGrpc.KVBlockingStub kv(InProcessAgents fleet, int node) {
    return KVGrpc.newBlockingStub(fleet.channel(node)).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static PutCall put(String key, String value) {
    return PutCall.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build();
  }

  private static RangeCall get(String key, Consistency consistency) {
    return RangeCall.newBuilder().setConsistency(consistency)
        .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))).build();
  }

  /** Runs a call that must be refused for want of a quorum; returns how long it took. */
  private static Duration refusedForNoQuorum(Runnable call) {
    long t0 = System.nanoTime();
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).startsWith("no quorum: group fleet ")
          .doesNotContain("\n");
    });
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Test
  void aMinorityRefusesWritesAndLinearizableReadsAtOnceAndServesStaleReadsMarked()
      throws Exception {
    try (InProcessAgents fleet = new InProcessAgents(dir, 3, "")) {
      await().atMost(WAIT).until(() -> fleet.settledLeaderIndex() >= 0);
      int leader = fleet.leaderIndex();
      int other = (leader + 1) % 3;
      int survivor = (leader + 2) % 3;
      kv(fleet, survivor).put(put("mission/plan", "survey north field"));

      fleet.stop(other);
      // The leader's Raft server goes at once, as in a crash: no hand-off, and a write sent
      // now waits for a leader on a side that has just lost its quorum.
      fleet.node(leader).server().close();
      long sent = System.nanoTime();
      var waiting = KVGrpc.newFutureStub(fleet.channel(survivor))
          .withDeadlineAfter(20, TimeUnit.SECONDS).put(put("mission/plan", "while cut off"));
      fleet.stop(leader);

      // It ends when the judgement turns, not at the deadline: a call that ran out its deadline
      // would end DEADLINE_EXCEEDED, never UNAVAILABLE "no quorum" (so no bound on wall time).
      refusedForNoQuorum(() -> {
        try {
          waiting.get();
        } catch (ExecutionException e) {
          throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Duration waited = Duration.ofNanos(System.nanoTime() - sent);

      Duration put = refusedForNoQuorum(
          () -> kv(fleet, survivor).put(put("mission/plan", "cut off")));
      Duration read = refusedForNoQuorum(
          () -> kv(fleet, survivor).range(get("mission/plan", Consistency.LINEARIZABLE)));
      System.out.printf("minority refusals: waiting put %d ms, put %d ms, read %d ms%n",
          waited.toMillis(), put.toMillis(), read.toMillis());

      RangeResponse stale = kv(fleet, survivor).range(get("mission/plan", Consistency.STALE));
      assertThat(stale.getKvs(0).getValue().toStringUtf8()).isEqualTo("survey north field");
      assertThat(stale.getStale()).isTrue();
      assertThat(stale.getServedBy()).isEqualTo("n" + (survivor + 1));
      assertThat(stale.getLeaderContactAgeMs()).isGreaterThan(900);

      fleet.restart(leader);
      fleet.restart(other);

      await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
          assertThat(kv(fleet, survivor).put(put("mission/plan", "back")).getRevision())
              .isPositive());
      await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
        int now = fleet.leaderIndex();
        assertThat(now).isNotNegative();
        RangeResponse r = kv(fleet, now).range(get("mission/plan", Consistency.STALE));
        assertThat(r.getStale()).isFalse();
        assertThat(r.getKvs(0).getValue().toStringUtf8()).isEqualTo("back");
      });
    }
  }
}
