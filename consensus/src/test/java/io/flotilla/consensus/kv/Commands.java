package io.flotilla.consensus.kv;

import com.google.protobuf.ByteString;
import io.flotilla.consensus.proto.Command;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.DeleteRequest;
import io.flotilla.consensus.proto.ExpiringLease;
import io.flotilla.consensus.proto.LeaseExpireRequest;
import io.flotilla.consensus.proto.LeaseGrantRequest;
import io.flotilla.consensus.proto.LeaseKeepAliveRequest;
import io.flotilla.consensus.proto.LeaseRevokeRequest;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.Query;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.WatchPollRequest;

/** Short builders for the commands the state machine tests read as specifications. */
final class Commands {
  private Commands() {}

  static ByteString b(String s) {
    return ByteString.copyFromUtf8(s);
  }

  static Command put(String key, String value) {
    return put(key, value, 0);
  }

  static Command put(String key, String value, long lease) {
    return Command.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(b(key)).setValue(b(value)).setLease(lease).setPrevKv(true)).build();
  }

  static Command delete(String key, boolean prefix) {
    return Command.newBuilder().setDelete(DeleteRequest.newBuilder()
        .setKey(b(key)).setPrefix(prefix).setPrevKv(true)).build();
  }

  static Command grant(long ttlMillis) {
    return Command.newBuilder().setLeaseGrant(
        LeaseGrantRequest.newBuilder().setTtlMillis(ttlMillis)).build();
  }

  static Command keepAlive(long id) {
    return Command.newBuilder().setLeaseKeepAlive(
        LeaseKeepAliveRequest.newBuilder().setId(id)).build();
  }

  static Command revoke(long id) {
    return Command.newBuilder().setLeaseRevoke(LeaseRevokeRequest.newBuilder().setId(id)).build();
  }

  /** The leader's expiry of lease {@code id}, counted from its renewal at {@code renewedIndex}. */
  static Command expire(long id, long renewedIndex) {
    return Command.newBuilder().setLeaseExpire(LeaseExpireRequest.newBuilder()
        .addLeases(ExpiringLease.newBuilder().setId(id).setRenewedIndex(renewedIndex))).build();
  }

  /** Put {@code value} only if {@code key} still has {@code expected} (empty: absent). */
  static Command cas(String key, String expected, String value) {
    Compare.Builder c = Compare.newBuilder().setKey(b(key)).setResult(Compare.Result.EQUAL);
    if (expected.isEmpty()) {
      c.setVersion(0);
    } else {
      c.setValue(b(expected));
    }
    return Command.newBuilder().setTxn(TxnRequest.newBuilder()
        .addCompare(c)
        .addSuccess(RequestOp.newBuilder().setPut(PutRequest.newBuilder()
            .setKey(b(key)).setValue(b(value))))
        .addFailure(RequestOp.newBuilder().setRange(RangeRequest.newBuilder().setKey(b(key)))))
        .build();
  }

  static Query get(String key) {
    return Query.newBuilder().setRange(RangeRequest.newBuilder().setKey(b(key))).build();
  }

  static Query range(String prefix) {
    return Query.newBuilder().setRange(
        RangeRequest.newBuilder().setKey(b(prefix)).setPrefix(true)).build();
  }

  static Query poll(String key, boolean prefix, long from) {
    return Query.newBuilder().setWatchPoll(WatchPollRequest.newBuilder()
        .setKey(b(key)).setPrefix(prefix).setFromRevision(from)).build();
  }
}
