package io.flotilla.chaos.linearizability;

import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Decides whether a history is linearizable with respect to a {@link Model}.
 *
 * <p>Each partition of the history (see {@link Model#partition}) is searched on its own, the
 * partitions in parallel on the common fork-join pool and the calling thread. The first partition
 * found not linearizable settles the verdict and stops the other searches, so when several
 * partitions fail, which one the evidence shows can vary from run to run. A search that reaches
 * the time limit or the memo's memory limit answers {@link Verdict#UNKNOWN}: the checker never
 * guesses.
 *
 * <p>Every operation is first passed to {@link Model#validate}, so a history the model cannot
 * interpret fails fast with an {@link IllegalArgumentException}.
 */
public final class LinearizabilityChecker {

  private LinearizabilityChecker() {}

  /** Checks {@code history} with the default options: no time limit, partitioned. */
  public static CheckResult check(History history, Model<?> model) {
    return check(history.operations(), model, CheckOptions.DEFAULT);
  }

  /** Checks {@code history} with {@code options}. */
  public static CheckResult check(History history, Model<?> model, CheckOptions options) {
    return check(history.operations(), model, options);
  }

  /** Checks {@code operations}, which must come from one history, with {@code options}. */
  @SuppressWarnings("unchecked")
  public static CheckResult check(List<Operation> operations, Model<?> model,
      CheckOptions options) {
    return run(operations, (Model<Object>) model, options);
  }

  private static CheckResult run(List<Operation> operations, Model<Object> model,
      CheckOptions options) {
    long start = System.nanoTime();
    operations.forEach(model::validate);
    List<List<Operation>> partitions =
        options.partitioned() ? model.partition(operations) : List.of(operations);
    long limit = options.timeLimit() == null
        ? Long.MAX_VALUE / 2 : Math.min(options.timeLimit().toNanos(), Long.MAX_VALUE / 2);
    SearchLimits limits = new SearchLimits(start + limit, options.maxMemoBytes());

    Operation[][] searched = new Operation[partitions.size()][];
    for (int i = 0; i < searched.length; i++) {
      searched[i] = partitions.get(i).stream().filter(op -> !model.isIrrelevant(op))
          .toArray(Operation[]::new);
    }
    PartitionSearch.Result[] results = new PartitionSearch.Result[searched.length];
    // A parallel stream runs on the caller and the common pool; the caller runs whatever no pool
    // thread has taken, so tiny histories do not wait for threads to wake.
    IntStream.range(0, searched.length).parallel().forEach(i -> {
      PartitionSearch.Result result = new PartitionSearch(model, searched[i], limits).run();
      results[i] = result;
      if (result.status() == PartitionSearch.Status.NOT_LINEARIZABLE) {
        limits.cancel();
      }
    });

    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    String unknownReason = null;
    for (int i = 0; i < results.length; i++) {
      PartitionSearch.Result result = results[i];
      switch (result.status()) {
        case NOT_LINEARIZABLE -> {
          return new CheckResult(Verdict.NOT_LINEARIZABLE, elapsed, operations.size(),
              partitions.size(), Optional.of(evidence(partitions.get(i), searched[i], result)),
              Optional.empty());
        }
        case TIME_LIMIT -> unknownReason = "time limit of " + describe(options.timeLimit())
            + " reached";
        case MEMORY_LIMIT -> {
          if (unknownReason == null) {
            unknownReason = "memo memory limit of " + (options.maxMemoBytes() >> 20)
                + " MiB reached";
          }
        }
        case LINEARIZABLE, CANCELLED -> { }
      }
    }
    if (unknownReason != null) {
      return new CheckResult(Verdict.UNKNOWN, elapsed, operations.size(), partitions.size(),
          Optional.empty(), Optional.of(unknownReason));
    }
    return new CheckResult(Verdict.LINEARIZABLE, elapsed, operations.size(), partitions.size(),
        Optional.empty(), Optional.empty());
  }

  private static Evidence evidence(List<Operation> partition, Operation[] searched,
      PartitionSearch.Result result) {
    List<Operation> prefix = new ArrayList<>(result.longestPrefix().length);
    for (int op : result.longestPrefix()) {
      prefix.add(searched[op]);
    }
    return new Evidence(partition, prefix, searched[result.blocked()]);
  }

  private static String describe(Duration limit) {
    return limit.toMillis() % 1000 == 0 ? limit.toSeconds() + "s" : limit.toMillis() + "ms";
  }
}
