package io.flotilla.cli.bench;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives a workload closed-loop: every client keeps {@code inFlight} requests outstanding and
 * sends the next one as soon as one completes, with a random operation of the mix and a random
 * key. Load runs in turns ({@link #resume} ... {@link #pause}); only what completes inside a
 * measured window ({@link #startMeasuring} to the end of the turn) counts, summed over every
 * window. Latency is from send to reply. A failed request is counted by kind and its slot pauses
 * {@code 10 ms} before sending again, so that a system that refuses everything is not spun on.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final long ERROR_PAUSE_MS = 10;

  private final String system;
  private final WorkloadMix mix;
  private final int keys;
  private final List<Slot> slots = new ArrayList<>();
  private final IntervalLog log;
  private final Map<Operation, Recorder> recorders = new EnumMap<>(Operation.class);
  private final Map<Operation, Histogram> totals = new EnumMap<>(Operation.class);
  private final Map<Operation, LongAdder> errors = new EnumMap<>(Operation.class);
  private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final CpuMeter serverCpu;
  private final CpuMeter benchCpu = new CpuMeter(List.of(ProcessHandle.current()));
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "flotilla-bench-timer");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean measuring;
  private volatile boolean paused = true;
  private long windowStart;
  private long measuredNanos;

  /**
   * @param system the name results and log lines are tagged with
   * @param clients one per benchmark client; each gets {@code inFlight} slots
   * @param log where interval histograms go, or null for none
   * @param servers the system's processes, whose CPU time is measured (none: not measured)
   */
  public LoadGenerator(String system, WorkloadMix mix, int keys, List<? extends LoadClient> clients,
      int inFlight, IntervalLog log, List<ProcessHandle> servers) {
    this.system = system;
    this.mix = mix;
    this.keys = keys;
    this.log = log;
    this.serverCpu = new CpuMeter(servers);
    for (Operation op : mix.weights().keySet()) {
      recorders.put(op, new Recorder(LatencySummary.MAX_NANOS, 3));
      totals.put(op, LatencySummary.newHistogram());
      errors.put(op, new LongAdder());
    }
    for (LoadClient c : clients) {
      for (int i = 0; i < inFlight; i++) {
        slots.add(new Slot(c));
      }
    }
    timer.scheduleAtFixedRate(this::flushInterval, 1, 1, TimeUnit.SECONDS);
  }

  /** Starts a turn of load; nothing counts until {@link #startMeasuring}. */
  public void resume() {
    paused = false;
    running.set(slots.size());
    slots.forEach(Slot::next);
  }

  /** Opens a measured window: from now until {@link #pause}, completions and failures count. */
  public synchronized void startMeasuring() {
    recorders.values().forEach(Recorder::getIntervalHistogram);
    windowStart = System.nanoTime();
    serverCpu.start();
    benchCpu.start();
    measuring = true;
  }

  /**
   * Ends the turn: closes the measured window, stops sending, and waits up to {@code drain} for
   * outstanding requests to end.
   */
  public void pause(Duration drain) throws InterruptedException {
    synchronized (this) {
      if (measuring) {
        flushInterval();
        measuring = false;
        measuredNanos += System.nanoTime() - windowStart;
        serverCpu.stop();
        benchCpu.stop();
      }
    }
    paused = true;
    long deadline = System.nanoTime() + drain.toNanos();
    while (running.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** What every measured window so far added up to. */
  public synchronized RunResult result() {
    Duration window = Duration.ofNanos(measuredNanos);
    Map<Operation, LatencySummary> byOp = new EnumMap<>(Operation.class);
    Histogram all = LatencySummary.newHistogram();
    long allErrors = 0;
    for (Operation op : totals.keySet()) {
      long e = errors.get(op).sum();
      byOp.put(op, LatencySummary.of(totals.get(op), e, window));
      all.add(totals.get(op));
      allErrors += e;
    }
    Map<String, Long> kinds = new TreeMap<>();
    errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
    return new RunResult(system, window, LatencySummary.of(all, allErrors, window), byOp, kinds,
        serverCpu.used(), benchCpu.used());
  }

  @Override
  public void close() {
    paused = true;
    timer.shutdownNow();
  }

  private synchronized void flushInterval() {
    recorders.forEach((op, recorder) -> {
      Histogram interval = recorder.getIntervalHistogram();
      if (measuring) {
        totals.get(op).add(interval);
        if (log != null) {
          log.write(system + "/" + op.label(), interval);
        }
      }
    });
  }

  private static String kind(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof StatusRuntimeException s
        ? s.getStatus().getCode().name() : c.getClass().getSimpleName();
  }

  /** One request outstanding at a time: sends the next when the last one ends. */
  private final class Slot implements LoadClient.Outcome {
    private final LoadClient client;
    private Operation op;
    private long sentAt;

    Slot(LoadClient client) {
      this.client = client;
    }

    void next() {
      if (paused) {
        running.decrementAndGet();
        return;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      op = mix.pick(random);
      sentAt = System.nanoTime();
      try {
        client.send(op, random.nextInt(keys), this);
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    @Override
    public void succeeded() {
      recorders.get(op).recordValue(Math.min(System.nanoTime() - sentAt, LatencySummary.MAX_NANOS));
      next();
    }

    @Override
    public void failed(Throwable error) {
      if (measuring) {
        errors.get(op).increment();
        errorKinds.computeIfAbsent(kind(error), k -> new LongAdder()).increment();
      }
      try {
        timer.schedule(this::next, ERROR_PAUSE_MS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        running.decrementAndGet();
      }
    }
  }
}
