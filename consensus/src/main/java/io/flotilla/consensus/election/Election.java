package io.flotilla.consensus.election;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.client.ReadConsistency;
import io.flotilla.consensus.client.Watch;
import io.flotilla.consensus.client.WatchListener;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Elects one holder of an application role (say, the mission coordinator) among agents.
 *
 * <p>Each candidate writes a key under {@code election/<name>/} attached to its own lease; the
 * candidate whose key was created first holds the role. A waiting candidate watches only the
 * key just before its own, so a resignation wakes one agent, not all of them. Because the key
 * lives on the candidate's lease, an agent that stops keeping its lease alive (it crashed, or
 * lost its link for longer than the TTL) loses the role when the lease expires, and the next
 * candidate takes over. At any revision of the store at most one candidate holds the role.
 */
public final class Election {
  private final FleetClient client;
  private final String name;
  private final ByteString prefix;

  public Election(FleetClient client, String name) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("election name must be non-empty and contain no '/'");
    }
    this.client = client;
    this.name = name;
    this.prefix = ByteString.copyFromUtf8("election/" + name + "/");
  }

  public String name() {
    return name;
  }

  /**
   * Becomes a candidate with {@code value} as what it proclaims, and blocks until it holds the
   * role. On timeout the candidacy is withdrawn and a {@code TIMEOUT} {@link FleetException}
   * thrown; if the lease ends while waiting, {@code LEASE_NOT_FOUND}; if the thread is
   * interrupted while waiting, the candidacy is withdrawn and the interrupt thrown.
   */
  public Leadership campaign(long leaseId, String value, Duration timeout)
      throws InterruptedException {
    return campaign(leaseId, ByteString.copyFromUtf8(value), timeout);
  }

  public Leadership campaign(long leaseId, ByteString value, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteString key = prefix.concat(ByteString.copyFromUtf8(String.format("%016x", leaseId)));
    TxnResponse created = client.txn(TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(key).setCreateRevision(0))
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(key).setValue(value).setLease(leaseId)))
        .addFailure(RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(key)))
        .build());
    long myRevision = created.getSucceeded()
        ? created.getRevision()
        : created.getResponses(0).getRange().getKvs(0).getCreateRevision();
    Leadership mine = new Leadership(this, key, myRevision, leaseId);
    while (true) {
      RangeResponse all = candidates();
      if (all.getKvsList().stream().noneMatch(kv -> kv.getKey().equals(key))) {
        throw new FleetException(FleetException.Code.LEASE_NOT_FOUND,
            "candidacy in " + name + " ended: lease " + leaseId + " expired or was revoked");
      }
      Optional<KeyValue> ahead = all.getKvsList().stream()
          .filter(kv -> kv.getCreateRevision() < myRevision)
          .max(Comparator.comparingLong(KeyValue::getCreateRevision));
      if (ahead.isEmpty()) {
        return mine;
      }
      long remaining = deadline - System.nanoTime();
      boolean deleted;
      try {
        deleted = remaining > 0
            && awaitDeletion(ahead.get().getKey(), all.getRevision(), remaining);
      } catch (InterruptedException e) {
        mine.resign();
        throw e;
      }
      if (!deleted) {
        mine.resign();
        throw new FleetException(FleetException.Code.TIMEOUT,
            "not elected in " + name + " within " + timeout);
      }
    }
  }

  /**
   * The handle of a candidacy made earlier, from what {@link Leadership} reported; for a
   * process that serves candidates over an API and keeps no handle between calls.
   */
  public Leadership resume(ByteString key, long createRevision, long leaseId) {
    if (!key.startsWith(prefix)) {
      throw new IllegalArgumentException("key " + key.toStringUtf8() + " is not in election "
          + name);
    }
    return new Leadership(this, key, createRevision, leaseId);
  }

  /**
   * Waits for {@code key} to be deleted after revision {@code seenAt}.
   *
   * @return true once it was deleted, or once the watch can no longer tell (the history from
   *     {@code seenAt} was compacted): either way the caller looks at the candidates again;
   *     false if {@code nanos} ran out first
   */
  private boolean awaitDeletion(ByteString key, long seenAt, long nanos)
      throws InterruptedException {
    CountDownLatch woken = new CountDownLatch(1);
    AtomicReference<FleetException> ended = new AtomicReference<>();
    try (Watch ignored = client.watch(key, false, seenAt + 1, new WatchListener() {
      @Override
      public void onEvents(List<Event> events) {
        if (events.stream().anyMatch(e -> e.getType() == Event.Type.DELETE)) {
          woken.countDown();
        }
      }

      @Override
      public void onError(FleetException error) {
        ended.set(error);
        woken.countDown();
      }
    })) {
      boolean woke = woken.await(nanos, TimeUnit.NANOSECONDS);
      FleetException error = ended.get();
      if (error != null && error.code() != FleetException.Code.COMPACTED) {
        throw error;
      }
      return woke;
    }
  }

  /** The current holder's key and proclaimed value, if anyone holds the role. */
  public Optional<KeyValue> leader() {
    return holder(candidates().getKvsList());
  }

  /**
   * Calls {@code onChange} with the holder now, then each time the holder or its proclaimed
   * value changes, in revision order. Close the returned watch to stop.
   *
   * <p>The holder is worked out from the candidates' events alone: nothing is read on the
   * client's watch thread, where a read's own retries would wait behind it.
   */
  public Watch observe(Consumer<Optional<KeyValue>> onChange) {
    RangeResponse now = candidates();
    Map<ByteString, KeyValue> byKey = new HashMap<>();
    now.getKvsList().forEach(kv -> byKey.put(kv.getKey(), kv));
    AtomicReference<Optional<KeyValue>> last = new AtomicReference<>(holder(byKey.values()));
    onChange.accept(last.get());
    return client.watch(prefix, true, now.getRevision() + 1, events -> {
      for (Event e : events) {
        if (e.getType() == Event.Type.DELETE) {
          byKey.remove(e.getKv().getKey());
        } else {
          byKey.put(e.getKv().getKey(), e.getKv());
        }
      }
      Optional<KeyValue> holder = holder(byKey.values());
      Optional<KeyValue> previous = last.getAndSet(holder);
      if (!sameHolder(previous, holder)) {
        onChange.accept(holder);
      }
    });
  }

  private static boolean sameHolder(Optional<KeyValue> a, Optional<KeyValue> b) {
    return Objects.equals(a.map(KeyValue::getKey), b.map(KeyValue::getKey))
        && Objects.equals(a.map(KeyValue::getValue), b.map(KeyValue::getValue));
  }

  RangeResponse candidates() {
    return client.range(RangeRequest.newBuilder().setKey(prefix).setPrefix(true).build(),
        ReadConsistency.LINEARIZABLE);
  }

  private static Optional<KeyValue> holder(Collection<KeyValue> candidates) {
    return candidates.stream().min(Comparator.comparingLong(KeyValue::getCreateRevision));
  }

  FleetClient client() {
    return client;
  }
}
