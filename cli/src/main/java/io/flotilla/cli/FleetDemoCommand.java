package io.flotilla.cli;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The quick-start job: a fleet of agent-node processes elects a leader, commits shared
 * state, has its leader killed with SIGKILL, elects another, proves nothing acknowledged was
 * lost, and takes the killed agent back.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Start 3 agent-node processes on loopback, commit shared state, kill -9 the leader,",
        "show the re-election and that no acknowledged write was lost, restart the killed",
        "agent and watch it catch up, then shut the fleet down and print a summary.",
        "",
        "Example:",
        "  flotilla fleet demo --writes 200"})
final class FleetDemoCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Spec CommandSpec spec;

  @Option(names = "--agents", defaultValue = "3", description = "Agents, all voters (default ${DEFAULT-VALUE}).")
  int agents;

  @Option(names = "--writes", defaultValue = "100", description = "Writes before the failover (default ${DEFAULT-VALUE}).")
  int writes;

  @Option(names = "--dir", description = "Fleet directory (default: a temporary one, removed after).")
  Path dir;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (agents < 3 || agents > 9 || writes < 1) {
      throw CliException.usage("--agents must be 3 to 9 and --writes at least 1");
    }
    boolean temporary = dir == null;
    Path home = temporary ? Files.createTempDirectory("flotilla-demo") : dir;
    long t0 = System.nanoTime();
    ProcessFleet fleet = ProcessFleet.up(home, agents, "lan");
    try {
      say("Started %d agent processes on loopback (logs in %s)", agents, home);
      say("Watch it live in a browser: flotilla dashboard --endpoints %s", fleet.endpoints());
      String leader = fleet.awaitLeader(WAIT).orElseThrow(() -> CliException.refused("no leader"));
      double electMs = msSince(t0);
      say("Leader elected: %s, %.0f ms after the processes were launched", leader, electMs);

      try (Api api = new Api(List.of(fleet.endpoints().split(",")), Duration.ofSeconds(5))) {
        long lease = api.call(ch -> LeaseGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
            .grant(LeaseGrantCall.newBuilder().setTtlMillis(10_000).build())).getId();
        put(api, "presence/" + leader, "online", lease);
        for (int i = 0; i < writes; i++) {
          put(api, "mission/task-" + i, "claimed-by agent-" + (i % agents + 1), 0);
        }
        say("Committed %d tasks and a presence key under lease %d", writes, lease);

        ProcessFleet.Agent victim = fleet.agent(leader);
        say("kill -9 %s (pid %d)...", leader, victim.pid);
        long t1 = System.nanoTime();
        fleet.kill(victim);
        String next = fleet.awaitLeader(WAIT).orElseThrow(() -> CliException.refused("no new leader"));
        double reelectMs = msSince(t1);
        firstWrite(api);
        double recoverMs = msSince(t1);
        say("New leader: %s after %.0f ms; first write acknowledged %.0f ms after the kill",
            next, reelectMs, recoverMs);

        long found = api.call(ch -> KvCommands.kv(api, ch).range(RangeCall.newBuilder()
            .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("mission/task-"))
                .setPrefix(true).setCountOnly(true)).build())).getCount();
        say("Read back %d of %d acknowledged tasks", found, writes);

        long t2 = System.nanoTime();
        fleet.start(victim);
        long target = fleet.committed(next);
        double catchUpMs = ProcessFleet.awaitApplied(victim, target, WAIT);
        say("Restarted %s from its data directory; it applied index %d after %.0f ms", leader,
            target, catchUpMs);

        fleet.down(Duration.ofSeconds(15));
        say("Fleet stopped");
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  time to elect (from launch)        %6.0f ms%n", electMs);
        out.printf(Locale.ROOT, "  time to re-elect after kill -9     %6.0f ms%n", reelectMs);
        out.printf(Locale.ROOT, "  time to first write after kill -9  %6.0f ms%n", recoverMs);
        out.printf(Locale.ROOT, "  restarted agent caught up in       %6.0f ms%n", catchUpMs);
        out.printf(Locale.ROOT, "  writes committed                   %6d (lost: %d)%n",
            writes + 2, writes - found);
        out.flush();
        return found == writes ? 0 : Flotilla.EXIT_REFUSED;
      }
    } finally {
      fleet.down(Duration.ofSeconds(5));
      if (temporary) {
        ProcessFleet.deleteTree(home);
      }
    }
  }

  private void say(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  private static void put(Api api, String key, String value, long lease) {
    api.call(ch -> KvCommands.kv(api, ch).put(PutCall.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))
        .setLease(lease)).build()));
  }

  private static void firstWrite(Api api) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        put(api, "probe/failover", "ok", 0);
        return;
      } catch (StatusRuntimeException | CliException e) {
        Thread.sleep(5);
      }
    }
    throw CliException.refused("no write succeeded within " + WAIT);
  }



  private static double msSince(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

}
