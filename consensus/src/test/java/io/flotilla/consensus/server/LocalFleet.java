package io.flotilla.consensus.server;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.group.FleetGroup;
import io.flotilla.consensus.group.FleetPeer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * One group of {@link FleetServer}s in this JVM on loopback ports, each with its own storage
 * directory: for tests, demos and applications' own integration tests. Servers can be stopped,
 * restarted on the same directory and port, and added.
 */
public final class LocalFleet implements Closeable {
  private final Path dir;
  private final String groupName;
  /** A server's builder, given its id, as this fleet builds it: members may differ. */
  private final BiFunction<String, FleetServer.Builder, FleetServer.Builder> tuning;
  private final Map<String, FleetServer> live = new LinkedHashMap<>();
  private final Map<String, FleetPeer> peers = new LinkedHashMap<>();

  private LocalFleet(Path dir, String groupName,
      BiFunction<String, FleetServer.Builder, FleetServer.Builder> tuning) {
    this.dir = dir;
    this.groupName = groupName;
    this.tuning = tuning;
  }

  /**
   * Starts {@code voters} servers named n1..nN and forms the group. Servers bind port 0 first
   * and learn their ports before the group exists, so no port is guessed.
   */
  public static LocalFleet start(Path dir, String group, int voters,
      UnaryOperator<FleetServer.Builder> tuning) throws IOException {
    return startConfigured(dir, group, voters, (id, b) -> tuning.apply(b));
  }

  /**
   * As {@link #start(Path, String, int, UnaryOperator)}, with each server tuned by its id: a
   * group whose members are configured differently, as during a rolling change.
   */
  public static LocalFleet startConfigured(Path dir, String group, int voters,
      BiFunction<String, FleetServer.Builder, FleetServer.Builder> tuning) throws IOException {
    LocalFleet fleet = new LocalFleet(dir, group, tuning);
    try {
      for (int i = 1; i <= voters; i++) {
        String id = "n" + i;
        FleetServer s = fleet.builder(id, 0).build().start();
        fleet.live.put(id, s);
        fleet.peers.put(id, FleetPeer.voter(id, s.address()));
      }
      FleetGroup g = fleet.group();
      for (FleetServer s : fleet.live.values()) {
        s.addGroup(g);
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  public static LocalFleet start(Path dir, String group, int voters) throws IOException {
    return start(dir, group, voters, b -> b);
  }

  private FleetServer.Builder builder(String id, int port) {
    return tuning.apply(id, FleetServer.builder()
        .id(id)
        .address("127.0.0.1", port)
        .storageDir(dir.resolve(id)));
  }

  public String groupName() {
    return groupName;
  }

  /** The group as this fleet formed or changed it: every server ever started in it. */
  public FleetGroup group() {
    return new FleetGroup(groupName, new ArrayList<>(peers.values()));
  }

  public FleetServer server(String id) {
    FleetServer s = live.get(id);
    if (s == null) {
      throw new IllegalArgumentException("server " + id + " is not running");
    }
    return s;
  }

  public List<FleetServer> servers() {
    return List.copyOf(live.values());
  }

  /** Waits for a server that leads the group and is ready to serve. */
  public FleetServer awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<FleetServer> leader = leader();
      if (leader.isPresent()) {
        return leader.get();
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no leader of " + groupName + " within " + timeout);
  }

  /** The live server that leads now, if any. */
  public Optional<FleetServer> leader() {
    for (FleetServer s : live.values()) {
      try {
        GroupStatus st = s.status(groupName);
        if (st.isLeader() && st.leaderReady()) {
          return Optional.of(s);
        }
      } catch (IOException e) {
        // not (yet) a member: not the leader
      }
    }
    return Optional.empty();
  }

  /** Stops a server as a crash would: its storage stays for {@link #restart}. */
  public void stop(String id) throws IOException {
    FleetServer s = live.remove(id);
    if (s != null) {
      s.close();
    }
  }

  /** Restarts a stopped server on its directory and port; it recovers its groups. */
  public FleetServer restart(String id) throws IOException {
    FleetPeer peer = peers.get(id);
    int port = Integer.parseInt(peer.address().substring(peer.address().lastIndexOf(':') + 1));
    FleetServer s = builder(id, port).build().start();
    live.put(id, s);
    return s;
  }

  /**
   * Starts a new server with an empty replica of the group, ready for the leader to add it
   * ({@code FleetClient.admin().addVoter/addListener}).
   */
  public FleetServer startNew(String id) throws IOException {
    FleetServer s = builder(id, 0).build().start();
    s.joinGroup(groupName);
    live.put(id, s);
    peers.put(id, FleetPeer.voter(id, s.address()));
    return s;
  }

  /** A client of the group with a deadline per call. */
  public FleetClient client(Duration timeout) {
    return FleetClient.builder(group()).timeout(timeout).build();
  }

  /** Stops every server at once, so that none of them sees the others go and starts an election. */
  @Override
  public void close() throws IOException {
    List<IOException> failures = live.values().parallelStream().map(s -> {
      try {
        s.close();
        return null;
      } catch (IOException e) {
        return e;
      }
    }).filter(java.util.Objects::nonNull).toList();
    live.clear();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
