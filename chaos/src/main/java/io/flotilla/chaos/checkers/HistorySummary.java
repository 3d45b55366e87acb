package io.flotilla.chaos.checkers;

import io.flotilla.chaos.history.Event;
import io.flotilla.chaos.history.EventType;
import io.flotilla.chaos.history.History;
import io.flotilla.chaos.history.Operation;
import io.flotilla.chaos.history.Outcome;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a history holds: events by type, operations by function and outcome, latency percentiles of
 * operations whose completion is known, and throughput per second. Times are in the history's
 * unit, nanoseconds for histories with clocks; for histories without clocks "latency" counts
 * events and the per-second buckets mean nothing.
 *
 * @param eventsByType how many events of each type
 * @param operationsByFunction for each function, how many operations ended each way
 * @param latency the invoke-to-complete times of operations that completed {@code ok} or {@code
 *     fail}, recorded with three significant digits
 * @param okPerSecond the number of {@code ok} completions in each second since the first event
 */
public record HistorySummary(Map<EventType, Long> eventsByType,
    Map<String, Map<Outcome, Long>> operationsByFunction, Histogram latency, long[] okPerSecond) {

  private static final long SECOND = 1_000_000_000L;

  public static HistorySummary of(History history) {
    Map<EventType, Long> events = new EnumMap<>(EventType.class);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Event event : history.events()) {
      events.merge(event.type(), 1L, Long::sum);
      first = Math.min(first, event.time());
      last = Math.max(last, event.time());
    }
    Map<String, Map<Outcome, Long>> byFunction = new TreeMap<>();
    Histogram latency = new Histogram(3);
    long[] perSecond = new long[first > last ? 0 : (int) Math.min(
        Integer.MAX_VALUE - 8, (last - first) / SECOND + 1)];
    for (Operation op : history.operations()) {
      byFunction.computeIfAbsent(op.function(), f -> new EnumMap<>(Outcome.class))
          .merge(op.outcome(), 1L, Long::sum);
      if (op.outcome() != Outcome.INFO) {
        latency.recordValue(Math.max(0, op.completeTime() - op.invokeTime()));
      }
      if (op.outcome() == Outcome.OK) {
        perSecond[(int) ((op.completeTime() - first) / SECOND)]++;
      }
    }
    return new HistorySummary(events, byFunction, latency, perSecond);
  }

  /** A few lines for a terminal. */
  public String describe() {
    StringBuilder out = new StringBuilder("events: ").append(eventsByType).append('\n');
    operationsByFunction.forEach((f, outcomes) ->
        out.append("  ").append(f).append(": ").append(outcomes).append('\n'));
    if (latency.getTotalCount() > 0) {
      out.append(String.format("latency: p50 %d, p90 %d, p99 %d, p99.9 %d, max %d%n",
          latency.getValueAtPercentile(50), latency.getValueAtPercentile(90),
          latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9),
          latency.getMaxValue()));
    }
    out.append("ok per second:");
    for (long count : okPerSecond) {
      out.append(' ').append(count);
    }
    return out.append('\n').toString();
  }
}
