package io.flotilla.cli.bench;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Which operations a workload sends and in what proportions. Each request picks its operation
 * independently with probability weight / total, so over many requests the mix converges on
 * the weights.
 */
public final class WorkloadMix {
  /** The preset behind {@code mix}: mostly writes and linearizable reads, some of each other. */
  public static final String PRESET = "put=40,txn=10,get=30,local-get=10,stale-get=10";

  private final Map<Operation, Integer> weights;
  private final Operation[] ops;
  private final int[] upTo;
  private final int total;

  private WorkloadMix(Map<Operation, Integer> weights) {
    this.weights = Collections.unmodifiableMap(new EnumMap<>(weights));
    this.ops = this.weights.keySet().toArray(Operation[]::new);
    this.upTo = new int[ops.length];
    int sum = 0;
    for (int i = 0; i < ops.length; i++) {
      sum += this.weights.get(ops[i]);
      upTo[i] = sum;
    }
    this.total = sum;
  }

  /**
   * Reads {@code OP}, {@code mix}, or weights such as {@code put=70,get=30}; operations are
   * named as in {@link Operation#label()}.
   *
   * @throws IllegalArgumentException with a one-line reason when the spec is malformed
   */
  public static WorkloadMix parse(String spec) {
    String s = spec.trim();
    if (s.equals("mix")) {
      s = PRESET;
    }
    Map<Operation, Integer> weights = new EnumMap<>(Operation.class);
    for (String part : s.split(",")) {
      String[] kv = part.trim().split("=", -1);
      Operation op = Operation.named(kv[0].trim()).orElseThrow(() -> new IllegalArgumentException(
          "unknown operation '" + kv[0].trim() + "' in workload '" + spec + "' (one of "
              + Arrays.stream(Operation.values()).map(Operation::label).toList() + " or mix)"));
      int weight = kv.length == 1 ? 1 : weight(kv, spec);
      if (weights.put(op, weight) != null) {
        throw new IllegalArgumentException(op.label() + " is given twice in workload '" + spec + "'");
      }
    }
    weights.values().removeIf(w -> w == 0);
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("workload '" + spec + "' has no operation with a weight");
    }
    return new WorkloadMix(weights);
  }

  private static int weight(String[] kv, String spec) {
    try {
      int w = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : -1;
      if (w < 0) {
        throw new NumberFormatException();
      }
      return w;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + String.join("=", kv) + "' in workload '" + spec
          + "' is not OP=WEIGHT with a whole weight of 0 or more");
    }
  }

  /** The operation for a draw in {@code [0, total())}. */
  public Operation pick(int draw) {
    for (int i = 0; i < upTo.length; i++) {
      if (draw < upTo[i]) {
        return ops[i];
      }
    }
    throw new IllegalArgumentException("draw " + draw + " is outside [0, " + total + ")");
  }

  public Operation pick(RandomGenerator random) {
    return pick(random.nextInt(total));
  }

  public int total() {
    return total;
  }

  /** The operations with a weight above zero, in {@link Operation} order. */
  public Map<Operation, Integer> weights() {
    return weights;
  }

  public boolean hasReads() {
    return weights.keySet().stream().anyMatch(o -> !o.isWrite());
  }

  /** The canonical spec, e.g. {@code put=70,get=30}. */
  @Override
  public String toString() {
    return weights.entrySet().stream().map(e -> e.getKey().label() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
