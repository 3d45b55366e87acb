package io.flotilla.chaos.linearizability;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable map from key to the state of that key's object, holding only keys whose object has
 * left its initial state, so that equal maps mean equal states. Lookups scan the keys, which suits
 * the few keys of one partition; an unpartitioned check of many keys pays for each step.
 *
 * @param <S> the state type of one object
 */
public final class PerKeyState<S> {

  private static final PerKeyState<?> EMPTY =
      new PerKeyState<>(new Object[0], new int[0], new Object[0], 0);

  private final Object[] keys;
  /** The keys' hash codes, compared before the keys themselves. */
  private final int[] keyHashes;
  private final Object[] states;
  private final int hash;

  private PerKeyState(Object[] keys, int[] keyHashes, Object[] states, int hash) {
    this.keys = keys;
    this.keyHashes = keyHashes;
    this.states = states;
    this.hash = hash;
  }

  @SuppressWarnings("unchecked")
  static <S> PerKeyState<S> empty() {
    return (PerKeyState<S>) EMPTY;
  }

  /** The state of {@code key}'s object, or {@code initial} if it was never changed. */
  @SuppressWarnings("unchecked")
  public S get(Object key, S initial) {
    int i = indexOf(key);
    return i < 0 ? initial : (S) states[i];
  }

  /** The number of keys whose object is not in its initial state. */
  public int size() {
    return keys.length;
  }

  Object key(int i) {
    return keys[i];
  }

  @SuppressWarnings("unchecked")
  S state(int i) {
    return (S) states[i];
  }

  /** This map with {@code key}'s object in {@code state}; dropped if that is {@code initial}. */
  PerKeyState<S> with(Object key, S state, S initial) {
    int i = indexOf(key);
    boolean isInitial = state.equals(initial);
    if (i < 0) {
      if (isInitial) {
        return this;
      }
      int n = keys.length;
      Object[] k = Arrays.copyOf(keys, n + 1);
      int[] h = Arrays.copyOf(keyHashes, n + 1);
      Object[] s = Arrays.copyOf(states, n + 1);
      k[n] = key;
      h[n] = Objects.hashCode(key);
      s[n] = state;
      return new PerKeyState<>(k, h, s, hash + entryHash(key, state));
    }
    int without = hash - entryHash(key, states[i]);
    if (isInitial) {
      return new PerKeyState<>(remove(keys, i), remove(keyHashes, i), remove(states, i), without);
    }
    Object[] s = states.clone();
    s[i] = state;
    return new PerKeyState<>(keys, keyHashes, s, without + entryHash(key, state));
  }

  private static Object[] remove(Object[] from, int i) {
    Object[] to = Arrays.copyOf(from, from.length - 1);
    System.arraycopy(from, i + 1, to, i, from.length - i - 1);
    return to;
  }

  private static int[] remove(int[] from, int i) {
    int[] to = Arrays.copyOf(from, from.length - 1);
    System.arraycopy(from, i + 1, to, i, from.length - i - 1);
    return to;
  }

  private int indexOf(Object key) {
    int h = Objects.hashCode(key);
    for (int i = 0; i < keys.length; i++) {
      if (keyHashes[i] == h && Objects.equals(keys[i], key)) {
        return i;
      }
    }
    return -1;
  }

  private static int entryHash(Object key, Object state) {
    return Objects.hashCode(key) ^ state.hashCode();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof PerKeyState<?> other) || other.hash != hash
        || other.keys.length != keys.length) {
      return false;
    }
    for (int i = 0; i < keys.length; i++) {
      int j = other.indexOf(keys[i]);
      if (j < 0 || !states[i].equals(other.states[j])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      out.append(i == 0 ? "" : ", ").append(Values.show(keys[i])).append(' ').append(states[i]);
    }
    return out.append('}').toString();
  }
}
