package io.flotilla.simulator.kernel;

/**
 * A running 64-bit FNV-1a style hash over the events a run processes. Equal traces give equal
 * hashes; a single different event changes the hash with overwhelming probability.
 */
public final class TraceHash {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private long state = OFFSET;

  /** Folds one 64-bit value in, a byte at a time. */
  public void add(long value) {
    long h = state;
    for (int i = 0; i < 8; i++) {
      h ^= (value >>> (i * 8)) & 0xff;
      h *= PRIME;
    }
    state = h;
  }

  public long value() {
    return state;
  }

  /** The hash as 16 hex digits. */
  public String hex() {
    return String.format("%016x", state);
  }

  /** Mixes two values into one well-spread 64-bit value (SplitMix64 finalizer). */
  public static long mix(long a, long b) {
    long z = a * 0x9e3779b97f4a7c15L + b;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
