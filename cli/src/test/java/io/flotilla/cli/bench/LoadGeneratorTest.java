package io.flotilla.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {
  private final ScheduledExecutorService network = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stopNetwork() {
    network.shutdownNow();
  }

  /** Answers every request 1 ms later; stale reads always fail. */
  private final class FakeClient implements LoadClient {
    final AtomicInteger sent = new AtomicInteger();

    @Override
    public void send(Operation op, int key, Outcome outcome) {
      sent.incrementAndGet();
      network.schedule(() -> {
        if (op == Operation.STALE_GET) {
          outcome.failed(new IllegalStateException("no"));
        } else {
          outcome.succeeded();
        }
      }, 1, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {}
  }

  @Test
  void measuresOnlyItsWindowsAndCountsEachOperationOfTheMix(@TempDir Path dir) throws Exception {
    FakeClient a = new FakeClient();
    FakeClient b = new FakeClient();
    Path hlog = dir.resolve("run.hlog");
    RunResult r;
    long windowAtLeast = 0;
    long windowAtMost = 0;
    try (IntervalLog log = IntervalLog.open(hlog);
        LoadGenerator load = new LoadGenerator("test",
            WorkloadMix.parse("put=3,get=1,stale-get=1"), 10, List.of(a, b), 4, log, List.of())) {
      for (int turn = 0; turn < 2; turn++) {
        load.resume();
        Thread.sleep(300);
        long beforeStart = System.nanoTime();
        load.startMeasuring();
        long afterStart = System.nanoTime();
        Thread.sleep(800);
        long beforePause = System.nanoTime();
        load.pause(Duration.ofSeconds(1));
        long afterPause = System.nanoTime();
        // The window opens inside startMeasuring and closes inside pause, so lies between.
        windowAtLeast += beforePause - afterStart;
        windowAtMost += afterPause - beforeStart;
        int sentAtPause = a.sent.get() + b.sent.get();
        Thread.sleep(50);
        assertThat(a.sent.get() + b.sent.get()).as("nothing is sent while paused")
            .isEqualTo(sentAtPause);
      }
      r = load.result();
    }
    int sent = a.sent.get() + b.sent.get();

    assertThat(r.system()).isEqualTo("test");
    assertThat(r.window()).as("both windows, and neither warm-up nor pause")
        .isBetween(Duration.ofNanos(windowAtLeast), Duration.ofNanos(windowAtMost));
    assertThat(r.byOperation()).containsOnlyKeys(Operation.PUT, Operation.GET, Operation.STALE_GET);
    LatencySummary put = r.byOperation().get(Operation.PUT);
    LatencySummary get = r.byOperation().get(Operation.GET);
    assertThat(put.ops()).isGreaterThan(get.ops()).isPositive();
    assertThat(put.errors()).isZero();
    assertThat(put.p50Ms()).isGreaterThanOrEqualTo(1.0);
    assertThat(r.byOperation().get(Operation.STALE_GET).ops()).isZero();
    assertThat(r.byOperation().get(Operation.STALE_GET).errors()).isPositive();
    assertThat(r.total().ops()).isEqualTo(put.ops() + get.ops());
    assertThat(r.total().errors()).isEqualTo(r.byOperation().get(Operation.STALE_GET).errors());
    assertThat(r.errorKinds()).containsOnlyKeys("IllegalStateException");
    assertThat(sent).as("warm-up requests are sent but not counted")
        .isGreaterThan((int) (r.total().ops() + r.total().errors()));

    Set<String> tags = new HashSet<>();
    long logged = 0;
    HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
    for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null;
        h = reader.nextIntervalHistogram()) {
      tags.add(h.getTag());
      if ("test/put".equals(h.getTag())) {
        logged += ((org.HdrHistogram.Histogram) h).getTotalCount();
      }
    }
    assertThat(tags).contains("test/put", "test/get");
    assertThat(logged).isEqualTo(put.ops());
  }
}
