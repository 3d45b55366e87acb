package io.flotilla.cli.bench;

import io.flotilla.cli.grpc.AgentChannels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs one workload the same way against a fleet's agents and against the baseline group: wait
 * until the system takes writes, write every key once when the workload reads, send load for the
 * warm-up, then measure. Systems compared in one run take turns, so that they never compete for
 * the machine and both see the same background load.
 */
public final class Benchmark {
  /** Outstanding writes while every key is written once before a read workload. */
  private static final int PRELOAD_IN_FLIGHT = 64;
  /** Load before every turn after a system's first, to refill what the other's turn drained. */
  private static final Duration TURN_WARMUP = Duration.ofSeconds(1);

  /**
   * A workload and how hard to drive it.
   *
   * @param rounds how many turns each system gets when several are compared; each turn is
   *     measured for {@code duration / rounds}
   * @param timeout the deadline of each request
   * @param maxWait how long a system may take to become writable (and, in failovers, to elect
   *     a leader or catch up)
   */
  public record Settings(WorkloadMix mix, KeySpace keys, int clients, int inFlight,
      Duration warmup, Duration duration, int rounds, Duration timeout, Duration maxWait) {}

  /** A system ready to take the workload: its clients and, when known, its processes. */
  public record Target(String system, List<? extends LoadClient> clients,
      List<ProcessHandle> processes) implements AutoCloseable {
    @Override
    public void close() {
      clients.forEach(LoadClient::close);
    }
  }

  /** A run during which the leader was killed again and again. */
  public record FailoverRun(RunResult result, FailoverSummary failover) {}

  private Benchmark() {}

  /**
   * A fleet through its agents' API, clients spread over the endpoints.
   *
   * @param agents the agents' processes, when they run on this machine, for their CPU time
   */
  public static Target fleet(Settings s, AgentChannels channels, String group,
      List<ProcessHandle> agents) throws InterruptedException {
    CasVersions cas = new CasVersions(s.keys().size());
    List<AgentLoadClient> clients = new ArrayList<>();
    for (int i = 0; i < s.clients(); i++) {
      clients.add(new AgentLoadClient(channels, i, group, s.keys(), s.timeout(), cas));
    }
    prepare(s, clients.get(0));
    return new Target("flotilla", clients, agents);
  }

  /**
   * The baseline group through plain Ratis clients, each answering its stale reads from one
   * member in turn.
   *
   * @param attemptTimeout how long one Ratis attempt may wait, as an agent's client does
   */
  public static Target baseline(Settings s, CounterFleet fleet, Duration attemptTimeout)
      throws InterruptedException {
    IntFunction<RatisLoadClient> client = i -> new RatisLoadClient(fleet.group(),
        fleet.group().peers().get(i % fleet.group().peers().size()).id(), s.keys(), s.timeout(),
        attemptTimeout, s.inFlight());
    // A Ratis client that ran out of retries refuses every later request, so each attempt to
    // reach a group still electing its first leader gets a client of its own.
    awaitWritable(() -> client.apply(0), s.maxWait());
    List<RatisLoadClient> clients = new ArrayList<>();
    for (int i = 0; i < s.clients(); i++) {
      clients.add(client.apply(i));
    }
    return new Target("ratis", clients, fleet.processes());
  }

  /**
   * An etcd cluster through etcd's own API, clients spread over its members as over a fleet's
   * agents.
   *
   * @param members the members' processes, when they run on this machine, for their CPU time
   */
  public static Target etcd(Settings s, AgentChannels channels, List<ProcessHandle> members)
      throws InterruptedException {
    CasVersions cas = new CasVersions(s.keys().size());
    List<EtcdLoadClient> clients = new ArrayList<>();
    for (int i = 0; i < s.clients(); i++) {
      clients.add(new EtcdLoadClient(channels, i, s.keys(), s.timeout(), cas));
    }
    prepare(s, clients.get(0));
    return new Target("etcd", clients, members);
  }

  /**
   * Runs the workload on each target in turn. One target is warmed up and measured for the
   * duration; several take {@code rounds} turns each, measured for {@code duration / rounds}
   * per turn, after the whole warm-up on a target's first turn and {@code 1 s} on later ones.
   */
  public static List<RunResult> run(Settings s, List<Target> targets, IntervalLog log)
      throws InterruptedException {
    int rounds = targets.size() == 1 ? 1 : s.rounds();
    Duration turn = s.duration().dividedBy(rounds);
    List<LoadGenerator> loads = new ArrayList<>();
    try {
      for (Target t : targets) {
        loads.add(new LoadGenerator(t.system(), s.mix(), s.keys().size(), t.clients(),
            s.inFlight(), log, t.processes()));
      }
      for (int round = 0; round < rounds; round++) {
        for (LoadGenerator load : loads) {
          load.resume();
          Thread.sleep((round == 0 ? s.warmup() : TURN_WARMUP).toMillis());
          load.startMeasuring();
          Thread.sleep(turn.toMillis());
          load.pause(drain(s));
        }
      }
      return loads.stream().map(LoadGenerator::result).toList();
    } finally {
      loads.forEach(LoadGenerator::close);
    }
  }

  /**
   * Runs the workload on a fleet while its leader is killed {@code kills} times; the measured
   * window lasts as long as the failovers do.
   */
  public static FailoverRun failovers(Settings s, Target fleet, IntervalLog log,
      Failovers failovers, int kills) throws Exception {
    try (LoadGenerator load = new LoadGenerator(fleet.system(), s.mix(), s.keys().size(),
        fleet.clients(), s.inFlight(), log, List.of())) {
      load.resume();
      Thread.sleep(s.warmup().toMillis());
      load.startMeasuring();
      List<Double> samples;
      try {
        samples = failovers.run(kills);
      } finally {
        load.pause(drain(s));
      }
      return new FailoverRun(load.result(), FailoverSummary.of(samples));
    }
  }

  private static Duration drain(Settings s) {
    return s.timeout().plusSeconds(1);
  }

  /** Waits until the system takes writes and, when the workload reads, writes every key once. */
  private static void prepare(Settings s, LoadClient client) throws InterruptedException {
    awaitWritable(() -> client, s.maxWait());
    if (s.mix().hasReads()) {
      preload(client, s.keys().size(), s.maxWait());
    }
  }

  /**
   * Sends puts one at a time until one is acknowledged, each from a client {@code clients}
   * gives (and closed after).
   */
  private static void awaitWritable(Supplier<? extends LoadClient> clients, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Throwable> error = new AtomicReference<>();
      LoadClient client = clients.get();
      client.send(Operation.PUT, 0, new LoadClient.Outcome() {
        @Override
        public void succeeded() {
          done.countDown();
        }

        @Override
        public void failed(Throwable t) {
          error.set(t);
          done.countDown();
        }
      });
      done.await();
      client.close();
      if (error.get() == null) {
        return;
      }
      last = error.get();
      Thread.sleep(100);
    }
    throw new IllegalStateException("the system took no write within " + wait
        + (last == null ? "" : ": " + last.getMessage()));
  }

  /** Writes every key once, so that reads find values. */
  private static void preload(LoadClient client, int keys, Duration wait)
      throws InterruptedException {
    Semaphore window = new Semaphore(PRELOAD_IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int k = 0; k < keys && failure.get() == null; k++) {
      window.acquire();
      client.send(Operation.PUT, k, new LoadClient.Outcome() {
        @Override
        public void succeeded() {
          window.release();
        }

        @Override
        public void failed(Throwable t) {
          failure.compareAndSet(null, t);
          window.release();
        }
      });
    }
    if (!window.tryAcquire(PRELOAD_IN_FLIGHT, wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("writing the keys took longer than " + wait);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("writing the keys failed: " + failure.get().getMessage());
    }
  }
}
