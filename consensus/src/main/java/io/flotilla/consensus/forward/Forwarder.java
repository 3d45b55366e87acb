package io.flotilla.consensus.forward;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.client.FleetClient;
import io.flotilla.consensus.client.FleetException;
import io.flotilla.consensus.client.ReadConsistency;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.Event;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.WatchPollResponse;
import java.time.Duration;
import java.util.List;

/**
 * Copies one {@link Route} from a source group to a target group in batches, exactly once.
 *
 * <p>Each {@link #forwardOnce} reads the cursor from the target, reads the source's committed
 * events from there, and writes them to the target in one transaction that also advances the
 * cursor, on condition that the cursor is still what was read. So a batch applies once or not
 * at all: a forwarder that lost its leadership, a retry after a lost reply, or two forwarders
 * racing can only fail the condition. Nothing is held between calls, so leader changes on
 * either side, restarts and partitions only delay the copy: after a cut the next call resumes
 * from the target's cursor with the source's backlog.
 *
 * <p>Values are copied without their leases (the target does not hold the source's leases).
 * When the source no longer keeps the events after the cursor (its history is bounded), the
 * current values under the prefix are copied instead and deletions in the gap are not.
 */
public final class Forwarder {
  /**
   * Source revisions with no event for the route that the cursor may lag by: past it, the
   * cursor moves on with no batch, so it never falls out of the source's bounded history.
   */
  private static final long MAX_IDLE_LAG = 1000;

  private final Route route;
  private final FleetClient source;
  private final FleetClient target;
  private final int batch;
  private final Duration wait;

  /**
   * @param batch at most this many source events per transaction (leave room under the target's
   *     {@code max-txn-ops} for the cursor)
   * @param wait how long one call waits for new source events before returning with none
   */
  public Forwarder(Route route, FleetClient source, FleetClient target, int batch,
      Duration wait) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, not " + batch);
    }
    this.route = route;
    this.source = source;
    this.target = target;
    this.batch = batch;
    this.wait = wait;
  }

  public Route route() {
    return route;
  }

  /**
   * Forwards at most one batch.
   *
   * @return the number of source events the target applied: 0 when none were waiting or
   *     another forwarder moved the cursor first
   * @throws FleetException when either group cannot be reached or refuses the batch
   */
  public int forwardOnce() {
    ByteString cursorKey = ByteString.copyFromUtf8(route.cursorKey());
    ByteString cursor = target.get(route.cursorKey(), ReadConsistency.LINEARIZABLE)
        .map(KeyValue::getValue).orElse(ByteString.EMPTY);
    long from = cursor.isEmpty() ? 1 : Long.parseLong(cursor.toStringUtf8());
    TxnRequest.Builder txn = TxnRequest.newBuilder().addCompare(Compare.newBuilder()
        .setKey(cursorKey).setResult(Compare.Result.EQUAL).setValue(cursor));
    long next;
    int copied;
    try {
      WatchPollResponse events = source.events(route.fromPrefix(), from, batch, wait);
      for (Event e : events.getEventsList()) {
        txn.addSuccess(copy(e));
      }
      next = events.getNextRevision();
      copied = events.getEventsCount();
    } catch (FleetException e) {
      if (e.code() != FleetException.Code.COMPACTED) {
        throw e;
      }
      RangeResponse all = source.range(RangeRequest.newBuilder()
          .setKey(ByteString.copyFromUtf8(route.fromPrefix())).setPrefix(true).build(),
          ReadConsistency.LINEARIZABLE);
      // Current values may be copied more than once, so all but the last batch go ahead of
      // the conditional one.
      List<KeyValue> kvs = all.getKvsList();
      int last = Math.max(0, kvs.size() - batch);
      for (int i = 0; i < last; i += batch) {
        TxnRequest.Builder chunk = TxnRequest.newBuilder();
        kvs.subList(i, Math.min(i + batch, last)).forEach(kv -> chunk.addSuccess(put(kv)));
        target.txn(chunk.build());
      }
      kvs.subList(last, kvs.size()).forEach(kv -> txn.addSuccess(put(kv)));
      next = all.getRevision() + 1;
      copied = kvs.size();
    }
    if (copied == 0 && next - from < MAX_IDLE_LAG) {
      return 0;
    }
    txn.addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder().setKey(cursorKey)
        .setValue(ByteString.copyFromUtf8(Long.toString(next)))));
    return target.txn(txn.build()).getSucceeded() ? copied : 0;
  }

  private RequestOp copy(Event e) {
    if (e.getType() == Event.Type.DELETE) {
      return RequestOp.newBuilder().setDelete(DeleteRequest.newBuilder()
          .setKey(retarget(e.getKv().getKey()))).build();
    }
    return put(e.getKv());
  }

  private RequestOp put(KeyValue kv) {
    return RequestOp.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(retarget(kv.getKey())).setValue(kv.getValue())).build();
  }

  private ByteString retarget(ByteString key) {
    return ByteString.copyFromUtf8(route.targetKey(key.toStringUtf8()));
  }
}
