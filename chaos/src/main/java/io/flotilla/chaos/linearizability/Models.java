package io.flotilla.chaos.linearizability;

import java.util.List;

/**
 * The built-in models, each an object per key (see {@link PerKeyModel}), so histories partition by
 * key. Histories without keys are one object.
 */
public final class Models {

  /** The names {@link #byName} accepts. */
  public static final List<String> NAMES = List.of("cas-register", "kv", "counter", "set");

  private Models() {}

  /** Registers with {@code read}, {@code write} and {@code cas [expected new]}, starting at nil. */
  public static Model<?> casRegister() {
    return new PerKeyModel<>(new CasRegisterModel());
  }

  /**
   * A key-value store of strings with {@code get}, {@code put} and {@code append}; every key
   * starts as the empty string.
   */
  public static Model<?> kv() {
    return new PerKeyModel<>(new KvValueModel());
  }

  /** Counters with {@code add n} and {@code read}, starting at 0. */
  public static Model<?> counter() {
    return new PerKeyModel<>(new CounterModel());
  }

  /** Sets with {@code add x} and {@code read} (a collection), starting empty. */
  public static Model<?> set() {
    return new PerKeyModel<>(new SetModel());
  }

  /**
   * The model called {@code name}: one of {@link #NAMES}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Model<?> byName(String name) {
    return switch (name) {
      case "cas-register" -> casRegister();
      case "kv" -> kv();
      case "counter" -> counter();
      case "set" -> set();
      default -> throw new IllegalArgumentException(
          "unknown model '" + name + "' (expected " + String.join(", ", NAMES) + ")");
    };
  }
}
