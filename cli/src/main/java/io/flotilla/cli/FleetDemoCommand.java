package io.flotilla.cli;

import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.server.FleetServer;
import io.flotilla.consensus.server.LocalFleet;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The quick-start job: a three-agent fleet elects a leader, commits shared state, loses its
 * leader, elects another and proves nothing acknowledged was lost.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Start a 3-agent fleet on loopback, commit shared state, stop the leader,",
        "show the re-election and that no acknowledged write was lost, then shut down.",
        "",
        "Example:",
        "  flotilla fleet demo --writes 200"})
final class FleetDemoCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(names = "--agents", defaultValue = "3", description = "Voters in the group (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--writes", defaultValue = "100", description = "Writes before the failover (default ${DEFAULT-VALUE}).")
  int writes;

  @Option(names = "--dir", description = "Data directory (default: a temporary one, removed after).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (agents < 1 || writes < 1) {
      spec.commandLine().getErr().println("flotilla: --agents and --writes must be at least 1");
      return Flotilla.EXIT_USAGE;
    }
    boolean temporary = dir == null;
    Path data = temporary ? Files.createTempDirectory("flotilla-demo") : dir;
    try (LocalFleet fleet = LocalFleet.start(data, "demo-squad", agents);
        FleetClient client = fleet.client(WAIT)) {
      out.printf("Started %d agents on loopback: %s%n", agents, fleet.group().peers().stream()
          .map(p -> p.id() + "@" + p.address()).toList());
      long t0 = System.nanoTime();
      FleetServer leader = fleet.awaitLeader(WAIT);
      double electMs = millisSince(t0);
      out.printf("Leader elected: %s (term %d) after %.0f ms%n", leader.id(),
          leader.status(fleet.groupName()).term(), electMs);

      long lease = client.grantLease(Duration.ofSeconds(10)).getId();
      client.put(PutRequest.newBuilder().setKey(utf8("presence/" + leader.id()))
          .setValue(utf8("online")).setLease(lease).build());
      for (int i = 0; i < writes; i++) {
        client.put("mission/task-" + i, "claimed-by agent-" + (i % agents));
      }
      out.printf("Committed %d tasks and a presence key under lease %d%n", writes, lease);

      out.printf("Stopping the leader %s...%n", leader.id());
      long t1 = System.nanoTime();
      fleet.stop(leader.id());
      FleetServer next = fleet.awaitLeader(WAIT);
      double reelectMs = millisSince(t1);
      long recoveredAt = firstWrite(client);
      double recoverMs = (recoveredAt - t1) / 1e6;
      out.printf("New leader: %s (term %d) %.0f ms after the stop began; first write"
          + " acknowledged after %.0f ms%n",
          next.id(), next.status(fleet.groupName()).term(), reelectMs, recoverMs);

      long found = client.range("mission/").getKvsCount();
      out.printf("Read back %d of %d acknowledged tasks from the new leader%n", found, writes);

      fleet.restart(leader.id());
      out.printf("Restarted %s from its data directory; it rejoined as a follower%n", leader.id());

      out.println();
      out.println("Summary");
      out.printf(Locale.ROOT, "  time to elect          %6.0f ms%n", electMs);
      out.printf(Locale.ROOT, "  time to re-elect       %6.0f ms%n", reelectMs);
      out.printf(Locale.ROOT, "  time to recover writes %6.0f ms%n", recoverMs);
      out.printf(Locale.ROOT, "  writes committed       %6d (lost: %d)%n", writes + 2, writes - found);
      out.flush();
      return found == writes ? 0 : 1;
    } finally {
      if (temporary) {
        deleteTree(data);
      }
    }
  }

  private static long firstWrite(FleetClient client) {
    while (true) {
      try {
        client.put("probe/failover", "ok");
        return System.nanoTime();
      } catch (FleetException e) {
        // retried until the new leader takes writes
      }
    }
  }

  private static double millisSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
