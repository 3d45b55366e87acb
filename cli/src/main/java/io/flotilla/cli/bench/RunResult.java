package io.flotilla.cli.bench;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one system did in one measured window: overall and per operation, the failed requests by
 * kind (a gRPC status code, or an exception's class for the Ratis client), and the CPU time its
 * servers and this benchmark's process used (empty when unknown, e.g. a server was killed).
 */
public record RunResult(String system, Duration window, LatencySummary total,
    Map<Operation, LatencySummary> byOperation, Map<String, Long> errorKinds,
    Optional<Duration> serverCpu, Optional<Duration> benchCpu) {

  public RunResult {
    EnumMap<Operation, LatencySummary> ops = new EnumMap<>(Operation.class);
    ops.putAll(byOperation);
    byOperation = Collections.unmodifiableMap(ops);
    errorKinds = Collections.unmodifiableMap(new TreeMap<>(errorKinds));
  }
}
