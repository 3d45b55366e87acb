package io.flotilla.cli.bench;

import java.util.Arrays;
import java.util.Optional;

/** One kind of request a benchmark sends, named as on the command line. */
public enum Operation {
  /** A put of one key. */
  PUT("put", true),
  /** A compare-and-swap transaction: put the key if its version is the one last seen. */
  TXN("txn", true),
  /** A linearizable read of one key (ReadIndex, or the leader's lease when enabled). */
  GET("get", false),
  /** A read answered by the leader from its applied state, without confirming leadership. */
  LOCAL_GET("local-get", false),
  /** A read answered by the agent that receives it, from its own applied state. */
  STALE_GET("stale-get", false);

  private final String label;
  private final boolean write;

  Operation(String label, boolean write) {
    this.label = label;
    this.write = write;
  }

  public String label() {
    return label;
  }

  /** Whether the operation goes through the Raft log. */
  public boolean isWrite() {
    return write;
  }

  public static Optional<Operation> named(String label) {
    return Arrays.stream(values()).filter(o -> o.label.equals(label)).findFirst();
  }
}
