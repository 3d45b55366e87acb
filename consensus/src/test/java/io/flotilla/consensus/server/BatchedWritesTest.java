package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.PutResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client's concurrent key writes share log entries and still behave as separate writes. */
class BatchedWritesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
        .setValue(ByteString.copyFromUtf8("v")).build();
  }

  @Test
  void concurrentWritesShareEntriesButEachGetsItsOwnRevisionInOrder() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = fleet.client(WAIT)) {
      FleetServer leader = fleet.awaitLeader(WAIT);
      client.put("first", "v");
      long indexBefore = leader.status("squad").commitIndex();

      List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        puts.add(client.putAsync(put("k" + i)));
      }
      List<Long> revisions = puts.stream().map(f -> f.join().getRevision()).toList();

      assertThat(revisions).as("one revision each, in the order sent").isSorted()
          .doesNotHaveDuplicates().hasSize(300);
      assertThat(revisions.get(299) - revisions.get(0)).isEqualTo(299);
      assertThat(leader.status("squad").commitIndex() - indexBefore)
          .as("log entries used by 300 writes").isLessThan(300);
      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(301);
    }
  }

  @Test
  void anInvalidWriteFailsAloneAndTheOthersSentWithItApply() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      client.put("first", "v");

      List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        puts.add(client.putAsync(put(i == 25 ? "" : "k" + i)));
      }

      for (int i = 0; i < 50; i++) {
        if (i == 25) {
          Throwable e = catchCause(puts.get(i));
          assertThat(e).isInstanceOf(FleetException.class).hasMessage("key must not be empty");
          assertThat(((FleetException) e).code()).isEqualTo(FleetException.Code.INVALID_ARGUMENT);
        } else {
          assertThat(puts.get(i).join().getRevision()).isPositive();
        }
      }
      assertThat(Replicas.awaitIdentical(fleet, WAIT).getRevision()).isEqualTo(50);
    }
  }

  private static Throwable catchCause(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }
}
