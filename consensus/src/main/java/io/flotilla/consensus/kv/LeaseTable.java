package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.LeaseInfo;
import io.flotilla.consensus.proto.LeaseRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Leases, the log index that last renewed each, and the keys attached to them. Iteration is in id and key
 * order so that every replica revokes in the same order. Not thread-safe: its owner locks.
 */
final class LeaseTable {

  static final class Lease {
    final long id;
    final long ttlMillis;
    /** Log index of the grant or keep-alive that last renewed this lease. */
    long renewedIndex;
    final NavigableSet<ByteString> keys = new TreeSet<>(KeyValueStore.ORDER);

    Lease(long id, long ttlMillis, long renewedIndex) {
      this.id = id;
      this.ttlMillis = ttlMillis;
      this.renewedIndex = renewedIndex;
    }

    LeaseInfo info() {
      return LeaseInfo.newBuilder()
          .setId(id)
          .setTtlMillis(ttlMillis)
          .setKeys(keys.size())
          .setRenewedIndex(renewedIndex)
          .build();
    }
  }

  private final TreeMap<Long, Lease> leases = new TreeMap<>();

  Lease get(long id) {
    return leases.get(id);
  }

  Lease grant(long id, long ttlMillis, long index) {
    Lease lease = new Lease(id, ttlMillis, index);
    leases.put(id, lease);
    return lease;
  }

  Lease remove(long id) {
    return leases.remove(id);
  }

  void attach(long id, ByteString key) {
    if (id != 0) {
      leases.get(id).keys.add(key);
    }
  }

  void detach(long id, ByteString key) {
    Lease lease = id == 0 ? null : leases.get(id);
    if (lease != null) {
      lease.keys.remove(key);
    }
  }

  List<LeaseInfo> infos() {
    List<LeaseInfo> out = new ArrayList<>(leases.size());
    for (Lease lease : leases.values()) {
      out.add(lease.info());
    }
    return out;
  }

  Iterable<Lease> all() {
    return leases.values();
  }

  int size() {
    return leases.size();
  }

  void clear() {
    leases.clear();
  }

  void load(LeaseRecord record) {
    leases.put(record.getId(),
        new Lease(record.getId(), record.getTtlMillis(), record.getRenewedIndex()));
  }

  static LeaseRecord record(Lease lease) {
    return LeaseRecord.newBuilder()
        .setId(lease.id)
        .setTtlMillis(lease.ttlMillis)
        .setRenewedIndex(lease.renewedIndex)
        .build();
  }
}
