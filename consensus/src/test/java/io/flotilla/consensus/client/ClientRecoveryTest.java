package io.flotilla.consensus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.LocalFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client outlives the outages it reports: the next call after a failed one is served. */
class ClientRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aWriteThatRanOutOfTimeDoesNotBreakTheWritesAfterIt() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = FleetClient.builder(fleet.group()).timeout(Duration.ofSeconds(2))
            .attemptTimeout(Duration.ofMillis(300)).retries(4, Duration.ofMillis(100)).build()) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      client.put("before", "1");
      String[] others = fleet.servers().stream().map(FleetServer::id)
          .filter(id -> !id.equals(leader.id())).toArray(String[]::new);
      fleet.stop(others[0]);
      fleet.stop(others[1]);

      assertThatThrownBy(() -> client.put("during", "1")).isInstanceOf(FleetException.class);
      assertThatThrownBy(() -> client.range("during")).isInstanceOf(FleetException.class);

      fleet.restart(others[0]);
      fleet.restart(others[1]);
      fleet.awaitLeader(WAIT);
      long deadline = System.nanoTime() + WAIT.toNanos();
      FleetException last = null;
      while (System.nanoTime() < deadline) {
        try {
          assertThat(client.put("after", "1").getRevision()).isPositive();
          last = null;
          break;
        } catch (FleetException e) {
          last = e;
          Thread.sleep(200);
        }
      }
      assertThat(last).as("the last failure of the write after the outage").isNull();
    }
  }

  @Test
  void aLinearizableReadWaitsWhileTheServerItReachesKnowsNoLeader() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      client.put("mission", "survey");
      String[] others = fleet.servers().stream().map(FleetServer::id)
          .filter(id -> !id.equals(leader.id())).toArray(String[]::new);
      fleet.stop(leader.id());
      fleet.stop(others[0]);
      // The survivor keeps standing for election and so knows no leader: Ratis refuses a
      // linearizable read there at once, where the client should wait for one.
      FleetServer survivor = fleet.server(others[1]);
      await().atMost(WAIT).until(() -> survivor.status("squad").leaderId().isEmpty());

      CompletableFuture<Optional<String>> read = CompletableFuture.supplyAsync(
          () -> client.get("mission").map(kv -> kv.getValue().toStringUtf8()));
      Thread.sleep(1_000);
      assertThat(read).as("a read while no leader is known").isNotDone();

      fleet.restart(others[0]);
      assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("survey");
    }
  }
}
