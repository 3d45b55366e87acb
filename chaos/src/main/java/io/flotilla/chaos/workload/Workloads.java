package io.flotilla.chaos.workload;

import java.util.List;

/** The workloads by name. */
public final class Workloads {
  public static final List<String> NAMES = List.of("register", "set", "counter", "append", "election");

  private Workloads() {}

  public static Workload create(String name) {
    return switch (name) {
      case "register" -> new RegisterWorkload();
      case "set" -> new SetWorkload();
      case "counter" -> new CounterWorkload();
      case "append" -> new AppendWorkload();
      case "election" -> new ElectionWorkload();
      default -> throw new IllegalArgumentException("unknown workload '" + name + "' (one of "
          + String.join(", ", NAMES) + ")");
    };
  }
}
