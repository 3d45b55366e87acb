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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
 * When the source no longer keeps the events after the cursor (its history is bounded, and
 * starts afresh on a member restarted from a snapshot), the target's copy is made equal to the
 * source's current values instead, deletions included, still conditional on the cursor.
 */
public final class Forwarder {
  /**
   * Source revisions with no event for the route that the cursor may lag by: past it, the
   * cursor moves on with no batch, so it never falls out of the source's bounded history.
   */
  private static final long MAX_IDLE_LAG = 1000;
  /** A cursor that starts so marks a resync in progress (see {@link #resync}). */
  private static final ByteString RESYNC = ByteString.copyFromUtf8("resync:");

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
    if (cursor.startsWith(RESYNC)) {
      return resync(cursorKey, cursor);
    }
    String at = cursor.toStringUtf8();
    int split = at.indexOf('/');
    long from = at.isEmpty() ? 1 : Long.parseLong(split < 0 ? at : at.substring(0, split));
    int copiedOfFrom = split < 0 ? 0 : Integer.parseInt(at.substring(split + 1));
    WatchPollResponse events;
    try {
      events = source.events(route.fromPrefix(), from, batch, wait);
    } catch (FleetException e) {
      if (e.code() != FleetException.Code.COMPACTED) {
        throw e;
      }
      return resync(cursorKey, cursor);
    }
    List<Event> all = events.getEventsList();
    List<Event> take = new ArrayList<>();
    String moved = Long.toString(events.getNextRevision());
    int i = 0;
    while (i < all.size() && revisionOf(all.get(i)) == from && i < copiedOfFrom) {
      i++;
    }
    // Whole source revisions, as many as fit in a batch; a revision larger than a batch (a big
    // source transaction) goes in parts, the cursor saying how much of it is copied.
    while (i < all.size()) {
      long revision = revisionOf(all.get(i));
      int end = i;
      while (end < all.size() && revisionOf(all.get(end)) == revision) {
        end++;
      }
      if (take.size() + end - i <= batch) {
        take.addAll(all.subList(i, end));
        i = end;
        continue;
      }
      if (take.isEmpty()) {
        take.addAll(all.subList(i, i + batch));
        moved = revision + "/" + ((revision == from ? copiedOfFrom : 0) + batch);
      } else {
        moved = Long.toString(revision);
      }
      break;
    }
    if (take.isEmpty() && events.getNextRevision() - from < MAX_IDLE_LAG) {
      return 0;
    }
    TxnRequest.Builder txn = conditional(cursorKey, cursor);
    for (Event e : take) {
      txn.addSuccess(copy(e));
    }
    txn.addSuccess(moveCursor(cursorKey, moved));
    return target.txn(txn.build()).getSucceeded() ? take.size() : 0;
  }

  private static long revisionOf(Event e) {
    return e.getKv().getModRevision();
  }

  /**
   * Makes the target's copy equal to the source's current values when the events after the
   * cursor are gone: puts every current value and deletes every copied key the source no
   * longer has, in transactions that each hold the cursor to what the previous one left, so a
   * forwarder that fell behind writes nothing. A resync cut short leaves a marker as cursor,
   * and the next call starts it again from the source's values then.
   *
   * @return the number of puts and deletes applied; 0 if another forwarder moved the cursor
   */
  private int resync(ByteString cursorKey, ByteString cursor) {
    RangeResponse all = source.range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(route.fromPrefix())).setPrefix(true).build(),
        ReadConsistency.LINEARIZABLE);
    List<RequestOp> ops = new ArrayList<>();
    Set<ByteString> current = new HashSet<>();
    for (KeyValue kv : all.getKvsList()) {
      ops.add(put(kv));
      current.add(retarget(kv.getKey()));
    }
    for (KeyValue copied : target.range(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(route.toPrefix())).setPrefix(true).setKeysOnly(true)
        .build(), ReadConsistency.LINEARIZABLE).getKvsList()) {
      if (!current.contains(copied.getKey())) {
        ops.add(RequestOp.newBuilder().setDelete(DeleteRequest.newBuilder()
            .setKey(copied.getKey())).build());
      }
    }
    ByteString expected = cursor;
    int chunks = Math.max(1, (ops.size() + batch - 1) / batch);
    for (int i = 0; i < chunks; i++) {
      boolean last = i == chunks - 1;
      String moved = last ? Long.toString(all.getRevision() + 1)
          : RESYNC.toStringUtf8() + all.getRevision() + "/" + (i + 1);
      TxnRequest.Builder txn = conditional(cursorKey, expected);
      ops.subList(i * batch, Math.min(ops.size(), (i + 1) * batch)).forEach(txn::addSuccess);
      txn.addSuccess(moveCursor(cursorKey, moved));
      if (!target.txn(txn.build()).getSucceeded()) {
        return 0;
      }
      expected = ByteString.copyFromUtf8(moved);
    }
    return ops.size();
  }

  private static TxnRequest.Builder conditional(ByteString cursorKey, ByteString cursor) {
    return TxnRequest.newBuilder().addCompare(Compare.newBuilder()
        .setKey(cursorKey).setResult(Compare.Result.EQUAL).setValue(cursor));
  }

  private static RequestOp moveCursor(ByteString cursorKey, String value) {
    return RequestOp.newBuilder().setPut(PutRequest.newBuilder().setKey(cursorKey)
        .setValue(ByteString.copyFromUtf8(value))).build();
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
