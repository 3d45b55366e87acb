package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.statemachine.CommittedEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the fleet state machine alone: the apply path for puts and CAS transactions,
 * and snapshot write and load. Prints the median of several rounds after a warm-up.
 *
 * <pre>./mvnw -q -pl consensus test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.flotilla.consensus.kv.StateMachineBenchmark</pre>
 */
public final class StateMachineBenchmark {
  private static final int KEYS = 10_000;
  private static final int ROUNDS = 5;

  public static void main(String[] args) throws IOException {
    List<ByteString> puts = commands(500_000, i -> Commands.put("key/" + (i % KEYS),
        "value-%08d".formatted(i)));
    List<ByteString> cas = commands(500_000, i -> Commands.cas("claim/" + (i % KEYS),
        i < KEYS ? "" : "owner-" + (i - KEYS), "owner-" + i));

    report("apply put (16-byte values)", puts.size(), rounds(() -> applyAll(puts)));
    report("apply txn compare-and-set", cas.size(), rounds(() -> applyAll(cas)));

    FleetStateMachine big = new FleetStateMachine();
    long index = 0;
    for (int i = 0; i < 100_000; i++) {
      big.apply(new CommittedEntry(++index, 1, 0,
          Commands.put("fleet/agent-" + i, "x".repeat(100)).toByteString()));
    }
    byte[][] image = new byte[1][];
    double[] write = rounds(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      big.writeSnapshot(out);
      image[0] = out.toByteArray();
    });
    double[] load = rounds(() -> new FleetStateMachine()
        .restoreSnapshot(new ByteArrayInputStream(image[0])));
    System.out.printf(Locale.ROOT, "snapshot of 100,000 keys (%.1f MB): write %.0f ms, load %.0f ms%n",
        image[0].length / 1e6, median(write) * 1e3, median(load) * 1e3);
  }

  private interface Round {
    void run() throws IOException;
  }

  private static double[] rounds(Round round) throws IOException {
    round.run(); // warm-up
    double[] seconds = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long t0 = System.nanoTime();
      round.run();
      seconds[r] = (System.nanoTime() - t0) / 1e9;
    }
    return seconds;
  }

  private static void applyAll(List<ByteString> commands) {
    FleetStateMachine sm = new FleetStateMachine();
    long index = 0;
    for (ByteString c : commands) {
      sm.apply(new CommittedEntry(++index, 1, index, c));
    }
  }

  private static List<ByteString> commands(int n, java.util.function.IntFunction<Command> make) {
    List<ByteString> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(make.apply(i).toByteString());
    }
    return out;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void report(String what, int ops, double[] seconds) {
    System.out.printf(Locale.ROOT, "%-30s %,12.0f ops/s (median of %d rounds of %,d)%n",
        what, ops / median(seconds), ROUNDS, ops);
  }
}
