package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flotilla.consensus.client.FleetClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.proto.RaftProtos.AppendEntriesRequestProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.util.CodeInjectionForTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's first leader that is cut off before any member takes its first entry: the others
 * elect a leader of their own, write, and when the first leader hears from them again it must
 * drop its entry for theirs and catch up, even when heartbeats reach it before entries do.
 *
 * <p>Found in the chaos suite: a five-node cluster's term-1 leader lost its leadership before
 * replicating, then followed the group for the whole run with nothing applied past its own
 * first entry. A heartbeat that the leader sends with no previous entry (Ratis does so when the
 * follower's next index is the log's first, and while data requests are in flight) carried a
 * commit index the follower took for its own, different, first entry; from then on it refused
 * the group's first entry as already committed and every later one as not following its log.
 *
 * <p>Faults are injected at the receiving server's RPC entry (Ratis's
 * {@link CodeInjectionForTesting} points), as a cut link would refuse them.
 */
class FirstLeaderRejoinTest {
  private static final String APPEND_ENTRIES = "RaftServerImpl.appendEntries";
  private static final String REQUEST_VOTE = "RaftServerImpl.requestVote";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GROUP = "squad";

  @TempDir Path dir;

  private final AtomicReference<RaftPeerId> firstLeader = new AtomicReference<>();
  /** Nothing passes between the first leader and the others. */
  private final AtomicBoolean cutOff = new AtomicBoolean(true);
  /** Only heartbeats reach the first leader. */
  private final AtomicBoolean heartbeatsOnly = new AtomicBoolean(false);
  private final AtomicBoolean heartbeatWithoutPrevious = new AtomicBoolean(false);

  @AfterEach
  void removeFaults() {
    CodeInjectionForTesting.remove(APPEND_ENTRIES);
    CodeInjectionForTesting.remove(REQUEST_VOTE);
  }

  @Test
  void aFirstLeaderWhoseEntryNobodyTookCatchesUpWithTheGroup() throws Exception {
    CodeInjectionForTesting.put(APPEND_ENTRIES, (local, remote, args) -> {
      firstLeader.compareAndSet(null, (RaftPeerId) remote);
      if (acrossTheCut(local, remote)) {
        throw new Refused("cut off: " + remote + " -> " + local);
      }
      AppendEntriesRequestProto request = (AppendEntriesRequestProto) args[1];
      if (local.equals(firstLeader.get()) && request.getEntriesCount() == 0 && args[0] == null) {
        heartbeatWithoutPrevious.set(true);
      }
      if (heartbeatsOnly.get() && local.equals(firstLeader.get())
          && request.getEntriesCount() > 0) {
        throw new Refused("entries held back: " + remote + " -> " + local);
      }
      return true;
    });
    CodeInjectionForTesting.put(REQUEST_VOTE, (local, remote, args) -> {
      if (acrossTheCut(local, remote)) {
        throw new Refused("cut off: " + remote + " -> " + local);
      }
      return true;
    });

    try (LocalFleet fleet = LocalFleet.start(dir, GROUP, 3);
        FleetClient client = fleet.client(WAIT)) {
      await().atMost(WAIT).until(() -> fleet.leader()
          .filter(l -> firstLeader.get() != null && !l.id().equals(firstLeader.get().toString()))
          .isPresent());
      String first = firstLeader.get().toString();
      for (int i = 0; i < 10; i++) {
        client.put("k" + i, "v" + i);
      }

      heartbeatsOnly.set(true);
      cutOff.set(false);
      await().atMost(WAIT).untilTrue(heartbeatWithoutPrevious);
      heartbeatsOnly.set(false);

      Replicas.awaitIdentical(fleet, WAIT);
      assertThat(Replicas.digest(fleet.server(first), GROUP).getAppliedIndex())
          .isGreaterThanOrEqualTo(10);
    }
  }

  private boolean acrossTheCut(Object local, Object remote) {
    return cutOff.get() && (remote.equals(firstLeader.get()) || local.equals(firstLeader.get()));
  }

  /** What a refused RPC fails with; Ratis logs it, and a stack trace would say nothing. */
  private static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
