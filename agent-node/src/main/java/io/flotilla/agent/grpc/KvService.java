package io.flotilla.agent.grpc;

import io.flotilla.agent.api.Consistency;
import io.flotilla.agent.api.DeleteCall;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.consensus.client.ReadConsistency;
import io.flotilla.consensus.proto.DeleteResponse;
import io.flotilla.consensus.proto.PutResponse;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keys and transactions; writes go through the group's leader wherever they arrive. Where this
 * node's side of the group has no quorum, writes and reads that need the leader are refused
 * (see {@link QuorumGate}), and stale reads are still served, marked {@code stale} unless this
 * node leads with a majority of voters answering it.
 */
public final class KvService extends KVGrpc.KVImplBase {
  private final Groups groups;
  private final QuorumGate quorum;
  private final String nodeId;
  private final WriteMetrics metrics;

  private final boolean unsafeLocalReads;

  /**
   * @param unsafeLocalReads answer linearizable reads from this node's state (a deliberate bug
   *     for testing the chaos suite; see {@code AgentConfig#unsafeLocalReads})
   */
  public KvService(Groups groups, QuorumGate quorum, String nodeId, WriteMetrics metrics,
      boolean unsafeLocalReads) {
    this.groups = groups;
    this.quorum = quorum;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.unsafeLocalReads = unsafeLocalReads;
  }

  @Override
  public void put(PutCall call, StreamObserver<PutResponse> out) {
    write(call.getGroup(), () -> groups.client(call.getGroup()).putAsync(call.getPut()), out);
  }

  @Override
  public void delete(DeleteCall call, StreamObserver<DeleteResponse> out) {
    write(call.getGroup(), () -> groups.client(call.getGroup()).deleteAsync(call.getDelete()), out);
  }

  @Override
  public void txn(TxnCall call, StreamObserver<TxnResponse> out) {
    write(call.getGroup(), () -> groups.client(call.getGroup()).txnAsync(call.getTxn()), out);
  }

  @Override
  public void range(RangeCall call, StreamObserver<RangeResponse> out) {
    ReadConsistency consistency = switch (call.getConsistency()) {
      case LEADER_LOCAL -> ReadConsistency.LEADER_LOCAL;
      case STALE -> ReadConsistency.stale(nodeId, call.getMinIndex());
      case LINEARIZABLE, UNRECOGNIZED -> unsafeLocalReads
          ? ReadConsistency.stale(nodeId, 0) : ReadConsistency.LINEARIZABLE;
    };
    String name = groups.resolve(call.getGroup());
    try {
      var client = groups.client(name);
      if (call.getConsistency() == Consistency.STALE) {
        Calls.reply(client.rangeAsync(call.getRange(), consistency)
            .thenApply(r -> marked(name, r)), out);
      } else {
        Calls.reply(quorum.send(name, () -> client.rangeAsync(call.getRange(), consistency)), out);
      }
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  /** A read from this node's replica, marked stale unless this node leads with a quorum. */
  private RangeResponse marked(String group, RangeResponse read) {
    return quorum.judgement(group).filter(j -> !j.leadsWithQuorum())
        .map(j -> read.toBuilder().setStale(true).setServedBy(nodeId)
            .setLeaderContactAgeMs(j.sinceContactMillis()).build())
        .orElse(read);
  }

  private <T> void write(String group, Supplier<CompletableFuture<T>> send, StreamObserver<T> out) {
    String name = groups.resolve(group);
    try {
      long t0 = System.nanoTime();
      Calls.reply(quorum.send(name, () -> send.get().whenComplete((r, e) -> {
        if (e == null) {
          metrics.committed(name, System.nanoTime() - t0);
        }
      })), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  /** Where committed writes are counted and timed. */
  public interface WriteMetrics {
    void committed(String group, long nanos);
  }
}
