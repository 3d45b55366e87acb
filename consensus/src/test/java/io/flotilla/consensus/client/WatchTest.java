package io.flotilla.consensus.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.server.LocalFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aListenerThatThrowsEndsTheWatchThroughOnErrorAndCanResumeWhereItFailed()
      throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "watched", 1);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      long from = client.put("mission/plan", "v1").getRevision();
      CompletableFuture<FleetException> ended = new CompletableFuture<>();
      AtomicInteger deliveries = new AtomicInteger();
      Watch watch = client.watch("mission/", true, from, new WatchListener() {
        @Override
        public void onEvents(List<Event> events) {
          deliveries.incrementAndGet();
          throw new IllegalStateException("listener bug");
        }

        @Override
        public void onError(FleetException error) {
          ended.complete(error);
        }
      });

      FleetException error = ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(error.code()).isEqualTo(FleetException.Code.INTERNAL);
      assertThat(error).hasMessageContaining("listener bug").hasRootCauseMessage("listener bug");
      assertThat(watch.nextRevision()).as("the failed batch is not skipped").isEqualTo(from);
      assertThat(deliveries).hasValue(1);

      CompletableFuture<List<Event>> again = new CompletableFuture<>();
      try (Watch resumed = client.watch("mission/", true, watch.nextRevision(), again::complete)) {
        assertThat(again.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).get(0).getKv().getValue()
            .toStringUtf8()).isEqualTo("v1");
      }
    }
  }
}
