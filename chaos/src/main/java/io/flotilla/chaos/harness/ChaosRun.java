package io.flotilla.chaos.harness;

import io.flotilla.chaos.checkers.ReplicaAgreement;
import io.flotilla.chaos.checkers.Validity;
import io.flotilla.chaos.cluster.ClusterNode;
import io.flotilla.chaos.cluster.DockerCluster;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.nemesis.Nemeses;
import io.flotilla.chaos.nemesis.Nemesis;
import io.flotilla.chaos.nemesis.NemesisSchedule;
import io.flotilla.chaos.workload.AgentClient;
import io.flotilla.chaos.workload.Check;
import io.flotilla.chaos.workload.Workload;
import io.flotilla.chaos.workload.Workloads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One chaos test, in Jepsen's shape: a cluster of agent-node containers, client processes
 * running a workload against it (two per node, each bound to its node), a nemesis following a
 * seeded schedule, and the checkers on the recorded history. Writes everything to a folder.
 */
public final class ChaosRun {
  private static final Duration OP_TIMEOUT = Duration.ofMillis(1500);
  private static final Duration RECOVERY = Duration.ofSeconds(60);

  /** What to run. */
  public record Options(int nodes, String workload, List<String> nemeses, Duration time,
      long seed, Path out, boolean unsafeLocalReads) {
    public Options {
      nemeses = Nemeses.expand(nemeses);
      Workloads.create(workload);
      if (time.toMillis() < 5_000) {
        throw new IllegalArgumentException("a run lasts at least 5s");
      }
    }
  }

  /** What a run found. */
  public record Outcome(Validity validity, List<Check> checks, int operations, int events,
      NemesisSchedule schedule, Path out) {}

  private ChaosRun() {}

  public static Outcome run(Options o, Consumer<String> progress) throws IOException,
      InterruptedException {
    Workload workload = Workloads.create(o.workload());
    NemesisSchedule schedule = NemesisSchedule.generate(o.seed(), o.nemeses(), o.time());
    progress.accept("starting " + o.nodes() + " agent containers");
    try (DockerCluster cluster = new DockerCluster(
        new DockerCluster.Settings(o.nodes(), "lan", o.unsafeLocalReads()))) {
      awaitLeader(cluster);
      Recorder recorder = new Recorder();
      runClientsAndNemesis(o, workload, schedule, cluster, recorder, progress);
      healAll(cluster);
      awaitLeader(cluster);
      finalRead(workload, cluster, recorder);
      History clients = recorder.clients();
      List<Check> checks = new ArrayList<>(workload.check(clients));
      checks.add(ReplicaAgreement.check(cluster, RECOVERY));
      Validity validity = overall(checks);
      RunOutput.write(o, schedule, recorder.all(), checks, validity, cluster);
      return new Outcome(validity, checks, clients.operations().size(),
          recorder.all().events().size(), schedule, o.out());
    }
  }

  private static void runClientsAndNemesis(Options o, Workload workload, NemesisSchedule schedule,
      DockerCluster cluster, Recorder recorder, Consumer<String> progress)
      throws InterruptedException {
    long end = recorder.elapsedNanos() + o.time().toNanos();
    int processes = 2 * o.nodes();
    ExecutorService pool = Executors.newFixedThreadPool(processes + 1);
    List<Future<?>> running = new ArrayList<>();
    List<ClusterNode> nodes = cluster.nodes();
    for (int p = 0; p < processes; p++) {
      int process = p;
      ClusterNode node = nodes.get(p % nodes.size());
      AgentClient client = new AgentClient(node::channel, OP_TIMEOUT);
      Random random = new Random(o.seed() * 31 + p);
      running.add(pool.submit(() -> {
        while (recorder.elapsedNanos() < end) {
          Workload.Op op = workload.next(random, process);
          recorder.record(process, EventType.INVOKE, op.function(), op.key(), op.value());
          Workload.Completion c = workload.perform(op, client);
          recorder.record(process, c.type(), op.function(), op.key(), c.value());
          // After an error, back off as a real client would, rather than flood the history.
          pause(c.type() == EventType.OK ? 10 + random.nextInt(20) : 200 + random.nextInt(200));
        }
        return null;
      }));
    }
    running.add(pool.submit(() -> {
      Map<String, Nemesis> nemeses = new HashMap<>();
      long start = System.nanoTime();
      for (NemesisSchedule.Step step : schedule.steps()) {
        // A fault that overran its slot (a rolling restart is slow) pushes the rest past the
        // clients' end; there, one that already ran would only lengthen the run, while each
        // still runs once.
        if (recorder.elapsedNanos() >= end && nemeses.containsKey(step.nemesis())) {
          progress.accept("skipped " + step.nemesis() + " again: the clients' time is over");
          continue;
        }
        pause(step.startMillis() - (System.nanoTime() - start) / 1_000_000);
        Nemesis n = nemeses.computeIfAbsent(step.nemesis(), Nemeses::create);
        recorder.record(Recorder.NEMESIS, EventType.INVOKE, n.name(), null, null);
        String what;
        try {
          what = n.start(cluster, new Random(step.choiceSeed()));
        } catch (RuntimeException e) {
          what = "could not start: " + e.getMessage();
        }
        progress.accept(String.format("%5.1fs %s: %s", (System.nanoTime() - start) / 1e9,
            n.name(), what));
        pause(step.durationMillis());
        try {
          n.stop(cluster);
        } catch (RuntimeException e) {
          progress.accept("healing " + n.name() + " failed: " + e.getMessage());
        }
        recorder.record(Recorder.NEMESIS, EventType.OK, n.name(), null, what);
      }
      return null;
    }));
    pool.shutdown();
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a chaos run thread failed", e.getCause());
      }
    }
    pool.awaitTermination(1, TimeUnit.MINUTES);
  }

  /** Whatever a failed heal left: every node running, unpaused, with no rules. */
  private static void healAll(DockerCluster cluster) {
    for (ClusterNode n : cluster.nodes()) {
      if (!n.running()) {
        n.start();
      }
      n.resume();
      n.iptables(List.of(List.of("-F", "INPUT"), List.of("-F", "OUTPUT")));
    }
  }

  private static void finalRead(Workload workload, DockerCluster cluster, Recorder recorder)
      throws InterruptedException {
    Optional<Workload.Op> read = workload.finalRead();
    if (read.isEmpty()) {
      return;
    }
    int process = 1_000;
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (System.nanoTime() < deadline) {
      for (ClusterNode node : cluster.nodes()) {
        Workload.Op op = read.get();
        recorder.record(process, EventType.INVOKE, op.function(), op.key(), op.value());
        Workload.Completion c = workload.perform(op, new AgentClient(node::channel, Duration.ofSeconds(5)));
        recorder.record(process, c.type(), op.function(), op.key(), c.value());
        if (c.type() == EventType.OK) {
          return;
        }
        process++;
      }
      Thread.sleep(500);
    }
  }

  private static void awaitLeader(DockerCluster cluster) throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (cluster.leader().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster has no leader after " + RECOVERY);
      }
      Thread.sleep(200);
    }
  }

  private static Validity overall(List<Check> checks) {
    if (checks.stream().anyMatch(c -> c.validity() == Validity.INVALID)) {
      return Validity.INVALID;
    }
    return checks.stream().anyMatch(c -> c.validity() == Validity.UNKNOWN)
        ? Validity.UNKNOWN : Validity.VALID;
  }

  private static void pause(long millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
