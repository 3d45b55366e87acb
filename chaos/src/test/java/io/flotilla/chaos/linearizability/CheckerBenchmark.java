package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.History;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Times the checker on every recorded history in a warm JVM and prints the median of several
 * rounds per file, plus totals. Run from the repository root:
 *
 * <pre>
 * ./mvnw -q -o -pl chaos test-compile exec:java
 * ./mvnw -q -o -pl chaos test-compile exec:java -Dexec.args="15"   # rounds (default 9)
 * </pre>
 *
 * <p>Every verdict is checked against the expected one; a wrong verdict stops the run.
 */
public final class CheckerBenchmark {

  private static final Duration BUDGET = Duration.ofSeconds(60);

  private CheckerBenchmark() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    Map<String, Case> cases = new LinkedHashMap<>();
    TestData.etcd().forEach((file, verdict) -> cases.put("jepsen-etcd/" + name(file),
        new Case(TestData.read(file), Models.casRegister(), verdict, CheckOptions.DEFAULT)));
    TestData.kv().forEach((file, verdict) -> {
      History history = TestData.read(file);
      cases.put("kv/" + name(file) + " partitioned", new Case(history, Models.kv(), verdict,
          CheckOptions.DEFAULT.withTimeLimit(BUDGET)));
      cases.put("kv/" + name(file) + " unpartitioned", new Case(history, Models.kv(), verdict,
          CheckOptions.DEFAULT.withTimeLimit(BUDGET).unpartitioned()));
    });

    Map<String, long[]> nanos = new LinkedHashMap<>();
    cases.keySet().forEach(name -> nanos.put(name, new long[rounds]));
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        Case c = entry.getValue();
        long start = System.nanoTime();
        CheckResult result = LinearizabilityChecker.check(c.history, c.model, c.options);
        nanos.get(entry.getKey())[round] = System.nanoTime() - start;
        if (result.verdict() != c.expected) {
          String accepted = result.verdict() == Verdict.UNKNOWN ? " (budget reached)" : "";
          System.out.printf("%s: expected %s, got %s%s%n", entry.getKey(), c.expected,
              result.verdict(), accepted);
          if (result.verdict() != Verdict.UNKNOWN) {
            System.exit(1);
          }
        }
      }
    }

    double etcdTotal = 0;
    System.out.printf("median of %d rounds, milliseconds%n", rounds);
    for (Map.Entry<String, long[]> entry : nanos.entrySet()) {
      double ms = median(entry.getValue()) / 1e6;
      if (entry.getKey().startsWith("jepsen-etcd/")) {
        etcdTotal += ms;
      }
      System.out.printf("%-32s %10.3f  %s%n", entry.getKey(), ms, cases.get(entry.getKey()).expected);
    }
    System.out.printf("%-32s %10.3f%n", "jepsen-etcd total (40 files)", etcdTotal);
  }

  private static String name(Path file) {
    return file.getFileName().toString();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private record Case(History history, Model<?> model, Verdict expected, CheckOptions options) {}
}
