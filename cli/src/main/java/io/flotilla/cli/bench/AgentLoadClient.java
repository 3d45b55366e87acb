package io.flotilla.cli.bench;

import io.flotilla.cli.grpc.AgentChannels;
import io.flotilla.agent.api.Consistency;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.consensus.proto.Compare;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.RequestOp;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A benchmark client of a fleet's agent API: async gRPC calls over the fleet's shared channels,
 * starting at one agent and moving to the next when that agent cannot be reached (it was killed).
 *
 * <p>Transactions are compare-and-swap loops on a key's version: put the key if its version is
 * the one last seen by any client of the run, else read it to learn the current version. Either
 * way it is one committed transaction.
 */
public final class AgentLoadClient implements LoadClient {
  private final AgentChannels channels;
  private final String group;
  private final KeySpace keys;
  private final long timeoutMillis;
  private final CasVersions cas;
  private final AtomicInteger endpoint;

  /**
   * @param home the index of the endpoint this client talks to first
   * @param cas the versions of keys seen so far, shared by the run's clients
   */
  public AgentLoadClient(AgentChannels channels, int home, String group, KeySpace keys,
      Duration timeout, CasVersions cas) {
    this.channels = channels;
    this.endpoint = new AtomicInteger(home % channels.size());
    this.group = group;
    this.keys = keys;
    this.timeoutMillis = timeout.toMillis();
    this.cas = cas;
  }

  @Override
  public void send(Operation op, int key, Outcome outcome) {
    int at = endpoint.get();
    KVGrpc.KVStub kv = KVGrpc.newStub(channels.channel(at))
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    switch (op) {
      case PUT -> kv.put(PutCall.newBuilder().setGroup(group)
          .setPut(PutRequest.newBuilder().setKey(keys.key(key)).setValue(keys.value())).build(),
          new Reply<>(at, outcome));
      case TXN -> {
        long seen = cas.seen(key);
        kv.txn(TxnCall.newBuilder().setGroup(group).setTxn(compareAndSwap(key, seen)).build(),
            new Reply<>(at, outcome) {
              @Override
              public void onNext(TxnResponse r) {
                learn(key, seen, r);
              }
            });
      }
      case GET -> range(kv, key, Consistency.LINEARIZABLE, at, outcome);
      case LOCAL_GET -> range(kv, key, Consistency.LEADER_LOCAL, at, outcome);
      case STALE_GET -> range(kv, key, Consistency.STALE, at, outcome);
    }
  }

  private void range(KVGrpc.KVStub kv, int key, Consistency consistency, int at,
      Outcome outcome) {
    kv.range(RangeCall.newBuilder().setGroup(group).setConsistency(consistency)
        .setRange(RangeRequest.newBuilder().setKey(keys.key(key))).build(),
        new Reply<>(at, outcome));
  }

  private TxnRequest compareAndSwap(int key, long version) {
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(keys.key(key)).setVersion(version))
        .addSuccess(RequestOp.newBuilder().setPut(
            PutRequest.newBuilder().setKey(keys.key(key)).setValue(keys.value())))
        .addFailure(RequestOp.newBuilder().setRange(
            RangeRequest.newBuilder().setKey(keys.key(key))))
        .build();
  }

  private void learn(int key, long seen, TxnResponse r) {
    cas.answered(key, seen, r.getSucceeded(), () -> {
      RangeResponse now = r.getResponses(0).getRange();
      return now.getKvsCount() == 0 ? 0 : now.getKvs(0).getVersion();
    });
  }

  /** Moves this client to the next endpoint when the one it used cannot be reached. */
  private void failedAt(int at, Throwable error) {
    if (unreachable(error)) {
      endpoint.compareAndSet(at, (at + 1) % channels.size());
    }
  }

  /** UNAVAILABLE from the transport (no connection), not from the fleet (no leader). */
  private static boolean unreachable(Throwable error) {
    if (!(error instanceof StatusRuntimeException e)
        || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
      return false;
    }
    String d = e.getStatus().getDescription();
    return e.getCause() != null || d == null || d.startsWith("io exception");
  }

  @Override
  public void close() {
    // The channels belong to the run and are closed with it.
  }

  private class Reply<T> implements StreamObserver<T> {
    private final int at;
    private final Outcome outcome;

    Reply(int at, Outcome outcome) {
      this.at = at;
      this.outcome = outcome;
    }

    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {
      failedAt(at, t);
      outcome.failed(t);
    }

    @Override
    public void onCompleted() {
      outcome.succeeded();
    }
  }
}
