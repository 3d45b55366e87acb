package io.flotilla.consensus.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.QueryReply;
import io.flotilla.consensus.proto.WatchPollRequest;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.LocalFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's writes travel in one ordered stream, where the group answers requests in the order
 * sent. Nothing else the client does may hold them back. Each client here waits for a write as
 * long as one attempt lasts, so a write held back even once fails.
 */
class WritesAreNotHeldBackTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @TempDir Path dir;

  private static FleetClient client(LocalFleet fleet) {
    return FleetClient.builder(fleet.group()).timeout(DEADLINE).attemptTimeout(DEADLINE).build();
  }

  @Test
  void aWriteIsAnsweredWhileAWatchPollOfTheSameClientWaits() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = client(fleet)) {
      fleet.awaitLeader(WAIT);
      client.put("before", "1");
      CompletableFuture<QueryReply> poll = client.pollAsync(WatchPollRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8("quiet"))
          .setFromRevision(client.put("before", "2").getRevision() + 1)
          .setMaxEvents(10)
          .setWaitMillis(2 * DEADLINE.toMillis())
          .build());

      assertThat(client.put("during", "1").getRevision()).isPositive();
      assertThat(poll).as("the poll waits for an event on its key").isNotDone();
      client.put("quiet", "now");
      assertThat(poll.get().getWatchPoll().getEventsList())
          .extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("quiet");
    }
  }

  @Test
  void repliesReachCallersOnTheClientsThreadsSoAContinuationMayWriteAgain() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = client(fleet)) {
      fleet.awaitLeader(WAIT);
      String thread = "flotilla-replies-" + fleet.group().name();
      assertThat(completingThread(() -> client.putAsync(put("a")))).isEqualTo(thread);
      assertThat(completingThread(() -> client.rangeAsync(
          io.flotilla.consensus.proto.RangeRequest.newBuilder()
              .setKey(ByteString.copyFromUtf8("a")).build(), ReadConsistency.LINEARIZABLE)))
          .isEqualTo(thread);
      // A continuation may even block on another call.
      assertThat(client.putAsync(put("b")).thenApply(r -> client.put("c", "v").getRevision())
          .get()).isPositive();

      // Chains of writes from continuations, while other threads write: all complete.
      java.util.List<CompletableFuture<?>> chains = new java.util.ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String key = "chain/" + i;
        chains.add(client.putAsync(put(key)).thenCompose(r -> client.putAsync(put(key + "/next"))));
        chains.add(CompletableFuture.runAsync(() -> client.put(key + "/other", "1")));
      }
      CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new))
          .get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      assertThat(client.range("chain/").getKvsCount()).isEqualTo(150);
    }
  }

  private static io.flotilla.consensus.proto.PutRequest put(String key) {
    return io.flotilla.consensus.proto.PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v")).build();
  }

  @Test
  void aMembershipChangeThatMeetsAFormerLeaderDoesNotStallTheNextWrite() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = client(fleet);
        FleetClient other = client(fleet)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      client.put("before", "1");
      String[] followers = fleet.servers().stream().map(FleetServer::id)
          .filter(id -> !id.equals(leader.id())).toArray(String[]::new);
      other.admin().transferLeadership(followers[0]);

      // Sent to the leader this client knew, refused, and retried at the new one.
      client.admin().demote(followers[1]);

      assertThat(client.put("after", "1").getRevision()).isPositive();
      assertThat(client.admin().members()).extracting(p -> p.id() + "=" + p.role())
          .contains(followers[1] + "=LISTENER");
    }
  }

  /**
   * The thread that completes a call's future. A continuation added after the future completed
   * runs on the caller's thread instead, which says nothing: such calls are sent again.
   */
  private static String completingThread(
      java.util.function.Supplier<CompletableFuture<?>> call) throws Exception {
    String caller = Thread.currentThread().getName();
    for (int attempt = 0; attempt < 100; attempt++) {
      String t = call.get().thenApply(r -> Thread.currentThread().getName()).get();
      if (!t.equals(caller)) {
        return t;
      }
    }
    throw new AssertionError("every call completed before its continuation was added");
  }
}
