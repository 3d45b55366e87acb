package io.flotilla.consensus.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotilla.consensus.client.FleetClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a write costs a group, counted rather than timed: the log entries it takes and the
 * threads it starts. Both were twice or more what a write needs: Ratis logged a metadata entry
 * for every advance of the commit index, and its followers started a thread for every append
 * on machines of two cores or fewer. The thread count catches that only on such a machine (CI's);
 * with more cores, Ratis's default executor is the common pool, which keeps its threads.
 */
class WriteCostTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int WRITES = 100;

  @TempDir Path dir;

  @Test
  void aWriteTakesOneLogEntry() throws Exception {
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      client.put("first", "v");
      long before = highestCommitIndex(fleet);

      // One at a time, so that no two share an entry.
      for (int i = 0; i < WRITES; i++) {
        client.put("k" + i, "v");
      }

      // A few entries of the group's own (a leader's duties, a new leader's first) may come in
      // between.
      assertThat(highestCommitIndex(fleet) - before)
          .as("log entries committed for %d writes", WRITES)
          .isBetween((long) WRITES, WRITES + 10L);
    }
  }

  @Test
  void aWriteStartsNoThread() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (LocalFleet fleet = LocalFleet.start(dir, "squad", 3);
        FleetClient client = fleet.client(WAIT)) {
      fleet.awaitLeader(WAIT);
      // The pools a write passes through start their threads on the first writes.
      for (int i = 0; i < 20; i++) {
        client.put("warm" + i, "v");
      }
      long started = threads.getTotalStartedThreadCount();

      for (int i = 0; i < WRITES; i++) {
        client.put("k" + i, "v");
      }

      assertThat(threads.getTotalStartedThreadCount() - started)
          .as("threads started in this JVM (a group of three and a client) by %d writes", WRITES)
          .isLessThan(WRITES / 10);
    }
  }

  /** The group's commit index as its most advanced member knows it, whoever leads now. */
  private static long highestCommitIndex(LocalFleet fleet) throws IOException {
    long highest = -1;
    for (FleetServer server : fleet.servers()) {
      highest = Math.max(highest, server.status("squad").commitIndex());
    }
    return highest;
  }
}
