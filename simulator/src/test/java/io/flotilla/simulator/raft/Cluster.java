package io.flotilla.simulator.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A hand-driven group of {@link RaftNode}s for specification tests: messages wait in a queue
 * until the test delivers (or drops) them, and time moves only when the test says.
 */
final class Cluster {
  static final RaftTiming TIMING = new RaftTiming(150_000, 300_000, 75_000, 1_000, 64);

  final List<RaftNode> nodes = new ArrayList<>();
  final List<PersistentState> disks = new ArrayList<>();
  final List<RaftMessage> inFlight = new ArrayList<>();
  final boolean[] voters;
  final boolean[] down;
  long now;
  private long ids;

  Cluster(int voters, int listeners) {
    this.voters = new boolean[voters + listeners];
    this.down = new boolean[voters + listeners];
    for (int i = 0; i < voters; i++) {
      this.voters[i] = true;
    }
    for (int i = 0; i < this.voters.length; i++) {
      disks.add(new PersistentState());
      nodes.add(null);
      boot(i);
    }
  }

  RaftNode node(int i) {
    return nodes.get(i);
  }

  /** Builds node {@code i} afresh over its disk, as after a reboot. */
  void boot(int i) {
    RaftNode n = new RaftNode(new RaftNode.Setup(i, voters, TIMING, disks.get(i),
        new SplittableRandom(i), new Outbox() {
          @Override
          public void send(RaftMessage m) {
            inFlight.add(m);
          }

          @Override
          public void appended(long index, LogEntry entry, long chain) {}

          @Override
          public void electedLeader(long term) {}
        }, () -> ++ids));
    nodes.set(i, n);
    down[i] = false;
    n.start(now);
  }

  void crash(int i) {
    down[i] = true;
    inFlight.removeIf(m -> m.to() == i || m.from() == i);
  }

  /** Moves time forward and ticks every live node. */
  void advance(long micros) {
    now += micros;
    for (int i = 0; i < nodes.size(); i++) {
      if (!down[i]) {
        nodes.get(i).tick(now);
      }
    }
  }

  /** Delivers every queued message, and those they cause, until none are left. */
  void deliverAll() {
    deliverWhere(m -> true);
  }

  /** Delivers matching messages (and what they cause), dropping the others. */
  void deliverWhere(Predicate<RaftMessage> allowed) {
    while (!inFlight.isEmpty()) {
      RaftMessage m = inFlight.remove(0);
      if (!down[m.to()] && allowed.test(m)) {
        nodes.get(m.to()).handle(m, now);
      }
    }
  }

  /** Runs in small steps until some node leads; returns it. */
  int electLeader() {
    for (int step = 0; step < 1000; step++) {
      advance(10_000);
      deliverAll();
      for (int i = 0; i < nodes.size(); i++) {
        if (!down[i] && nodes.get(i).isLeader()) {
          return i;
        }
      }
    }
    throw new AssertionError("no leader elected");
  }

  long propose(int leader, String command) {
    return nodes.get(leader).propose(ByteString.copyFromUtf8(command), now);
  }

  <T extends RaftMessage> List<T> queued(Class<T> type) {
    return inFlight.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
