package io.flotilla.consensus.server;

import static org.awaitility.Awaitility.await;

import io.flotilla.consensus.proto.StateDigestResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/** Checks across the replicas of a {@link LocalFleet}. */
final class Replicas {
  private Replicas() {}

  static StateDigestResponse digest(FleetServer s, String group) {
    try {
      return s.stateMachine(group).digest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until every live replica has applied the same last command and then asserts they
   * hold byte-identical state.
   */
  static StateDigestResponse awaitIdentical(LocalFleet fleet, Duration timeout) {
    List<FleetServer> servers = fleet.servers();
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() ->
        servers.stream().map(s -> digest(s, fleet.groupName()).getAppliedIndex())
            .distinct().count() == 1);
    StateDigestResponse first = digest(servers.get(0), fleet.groupName());
    for (FleetServer s : servers) {
      StateDigestResponse d = digest(s, fleet.groupName());
      if (!d.equals(first)) {
        throw new AssertionError("replica " + s.id() + " diverged at applied index "
            + d.getAppliedIndex() + ": " + d + " vs " + first);
      }
    }
    return first;
  }
}
