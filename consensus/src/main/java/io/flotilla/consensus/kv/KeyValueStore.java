package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.KeyValue;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Keys in byte order with their etcd-style metadata. Not thread-safe: its owner locks. */
final class KeyValueStore {
  static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

  private final TreeMap<ByteString, KeyValue> kvs = new TreeMap<>(ORDER);

  KeyValue get(ByteString key) {
    return kvs.get(key);
  }

  /** The key alone, or every key that starts with it; a live view in key order. */
  NavigableMap<ByteString, KeyValue> range(ByteString key, boolean prefix) {
    if (!prefix) {
      KeyValue kv = kvs.get(key);
      TreeMap<ByteString, KeyValue> one = new TreeMap<>(ORDER);
      if (kv != null) {
        one.put(key, kv);
      }
      return one;
    }
    ByteString end = prefixEnd(key);
    return end == null ? kvs.tailMap(key, true) : kvs.subMap(key, true, end, false);
  }

  /** Writes a key at a revision and returns what it replaced, or null. */
  KeyValue put(ByteString key, ByteString value, long lease, long revision) {
    KeyValue prev = kvs.get(key);
    KeyValue next = KeyValue.newBuilder()
        .setKey(key)
        .setValue(value)
        .setLease(lease)
        .setCreateRevision(prev == null ? revision : prev.getCreateRevision())
        .setModRevision(revision)
        .setVersion(prev == null ? 1 : prev.getVersion() + 1)
        .build();
    kvs.put(key, next);
    return prev;
  }

  KeyValue remove(ByteString key) {
    return kvs.remove(key);
  }

  int size() {
    return kvs.size();
  }

  Iterable<KeyValue> all() {
    return kvs.values();
  }

  void clear() {
    kvs.clear();
  }

  void load(KeyValue kv) {
    kvs.put(kv.getKey(), kv);
  }

  /** The first key after every key with this prefix, or null when there is none. */
  static ByteString prefixEnd(ByteString prefix) {
    byte[] bytes = prefix.toByteArray();
    for (int i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i] != (byte) 0xff) {
        bytes[i]++;
        return ByteString.copyFrom(bytes, 0, i + 1);
      }
    }
    return null;
  }

  static boolean matches(ByteString key, ByteString target, boolean prefix) {
    return prefix ? key.startsWith(target) : key.equals(target);
  }
}
