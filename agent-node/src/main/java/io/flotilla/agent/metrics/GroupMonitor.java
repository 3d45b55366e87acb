package io.flotilla.agent.metrics;

import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.GroupStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls this node's view of each group: keeps the latest status for metrics and readiness,
 * logs one line per role or leader change, and reports changes to a listener.
 */
public final class GroupMonitor {
  private static final Logger LOG = LoggerFactory.getLogger("io.flotilla.agent.roles");

  /** How often the groups are looked at besides each leader change. */
  public static final Duration POLL = Duration.ofSeconds(1);

  private final FleetServer server;
  private final List<String> groups;
  private final Map<String, GroupStatus> latest = new ConcurrentHashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  /** A change this node saw in one group. */
  public record Change(String group, GroupStatus before, GroupStatus after) {
    public boolean leaderChanged() {
      return before == null || !before.leaderId().equals(after.leaderId());
    }

    public boolean snapshotTaken() {
      return before != null && after.lastSnapshotIndex() > before.lastSnapshotIndex();
    }
  }

  public GroupMonitor(FleetServer server, List<String> groups) {
    this.server = server;
    this.groups = List.copyOf(groups);
  }

  /** Tells {@code listener} of every change seen from now on, on the monitor's thread. */
  public void onChange(Consumer<Change> listener) {
    listeners.add(listener);
  }

  /** Looks at every group once; called on one thread, on a timer and at leader changes. */
  public void poll() {
    for (String g : groups) {
      GroupStatus now;
      try {
        now = server.status(g);
      } catch (IOException | RuntimeException e) {
        continue;
      }
      GroupStatus before = latest.put(g, now);
      boolean roleChanged = before == null || !before.role().equals(now.role())
          || !before.leaderId().equals(now.leaderId()) || before.term() != now.term();
      if (roleChanged && !(now.leaderId().isEmpty() && before != null
          && before.role().equals(now.role()))) {
        LOG.info("role group={} term={} leader={} role={}", g, now.term(),
            now.leaderId().isEmpty() ? "none" : now.leaderId(), now.role());
      }
      if (before == null || roleChanged || now.lastSnapshotIndex() != before.lastSnapshotIndex()) {
        Change change = new Change(g, before, now);
        listeners.forEach(l -> l.accept(change));
      }
    }
  }

  public Optional<GroupStatus> latest(String group) {
    return Optional.ofNullable(latest.get(group));
  }

  public List<String> groups() {
    return groups;
  }

  /**
   * Ready when every group has a leader and this node has applied everything it knows to be
   * committed; otherwise the reason it is not.
   */
  public Optional<String> notReadyReason() {
    for (String g : groups) {
      GroupStatus s = latest.get(g);
      if (s == null) {
        return Optional.of("group " + g + ": no status yet");
      }
      if (s.leaderId().isEmpty()) {
        return Optional.of("group " + g + ": no leader");
      }
      if (s.appliedIndex() < s.commitIndex()) {
        return Optional.of("group " + g + ": applied " + s.appliedIndex() + " of "
            + s.commitIndex() + " committed");
      }
    }
    return Optional.empty();
  }
}
