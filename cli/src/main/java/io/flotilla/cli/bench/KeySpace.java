package io.flotilla.cli.bench;

import com.google.protobuf.ByteString;
import java.util.Random;

/**
 * The keys a run writes and reads ({@code bench/0000000}, {@code bench/0000001}, ...) and the one
 * value every write carries, built once so that sending a request copies neither.
 */
public final class KeySpace {
  private final ByteString[] keys;
  private final ByteString value;

  public KeySpace(int keys, int valueBytes) {
    if (keys < 1 || valueBytes < 0) {
      throw new IllegalArgumentException("need at least one key and a value size of 0 or more");
    }
    this.keys = new ByteString[keys];
    for (int i = 0; i < keys; i++) {
      this.keys[i] = ByteString.copyFromUtf8(String.format("bench/%07d", i));
    }
    byte[] v = new byte[valueBytes];
    new Random(42).nextBytes(v);
    this.value = ByteString.copyFrom(v);
  }

  public int size() {
    return keys.length;
  }

  public ByteString key(int i) {
    return keys[i];
  }

  public ByteString value() {
    return value;
  }
}
