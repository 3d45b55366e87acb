package io.flotilla.cli.bench;

import io.flotilla.cli.grpc.AgentChannels;
import io.flotilla.cli.bench.etcd.Compare;
import io.flotilla.cli.bench.etcd.KVGrpc;
import io.flotilla.cli.bench.etcd.PutRequest;
import io.flotilla.cli.bench.etcd.RangeRequest;
import io.flotilla.cli.bench.etcd.RangeResponse;
import io.flotilla.cli.bench.etcd.RequestOp;
import io.flotilla.cli.bench.etcd.TxnRequest;
import io.flotilla.cli.bench.etcd.TxnResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark client of an etcd cluster through etcd's own gRPC KV service, over the run's
 * shared channels, as {@link AgentLoadClient} is of a fleet: the same keys and values, puts and
 * compare-and-swap transactions on a key's version, linearizable reads, and serializable reads
 * for stale ones, answered by the member the client talks to. etcd has no leader-local read.
 */
public final class EtcdLoadClient implements LoadClient {
  private final KVGrpc.KVStub kv;
  private final KeySpace keys;
  private final long timeoutMillis;
  private final CasVersions cas;

  /**
   * @param home the index of the member this client talks to
   * @param cas the versions of keys seen so far, shared by the run's clients
   */
  public EtcdLoadClient(AgentChannels members, int home, KeySpace keys,
      Duration timeout, CasVersions cas) {
    this.kv = KVGrpc.newStub(members.channel(home % members.size()));
    this.keys = keys;
    this.timeoutMillis = timeout.toMillis();
    this.cas = cas;
  }

  @Override
  public void send(Operation op, int key, Outcome outcome) {
    KVGrpc.KVStub call = kv.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS);
    switch (op) {
      case PUT -> call.put(PutRequest.newBuilder().setKey(keys.key(key)).setValue(keys.value())
          .build(), new Reply<>(outcome));
      case TXN -> {
        long seen = cas.seen(key);
        call.txn(compareAndSwap(key, seen), new Reply<>(outcome) {
          @Override
          public void onNext(TxnResponse r) {
            learn(key, seen, r);
          }
        });
      }
      case GET -> call.range(RangeRequest.newBuilder().setKey(keys.key(key)).build(),
          new Reply<>(outcome));
      case STALE_GET -> call.range(RangeRequest.newBuilder().setKey(keys.key(key))
          .setSerializable(true).build(), new Reply<>(outcome));
      case LOCAL_GET -> outcome.failed(new UnsupportedOperationException(
          "etcd has no leader-local read"));
    }
  }

  private TxnRequest compareAndSwap(int key, long version) {
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder().setKey(keys.key(key))
            .setTarget(Compare.CompareTarget.VERSION).setVersion(version))
        .addSuccess(RequestOp.newBuilder().setRequestPut(
            PutRequest.newBuilder().setKey(keys.key(key)).setValue(keys.value())))
        .addFailure(RequestOp.newBuilder().setRequestRange(
            RangeRequest.newBuilder().setKey(keys.key(key))))
        .build();
  }

  private void learn(int key, long seen, TxnResponse r) {
    cas.answered(key, seen, r.getSucceeded(), () -> {
      RangeResponse now = r.getResponses(0).getResponseRange();
      return now.getKvsCount() == 0 ? 0 : now.getKvs(0).getVersion();
    });
  }

  @Override
  public void close() {
    // The channels belong to the run and are closed with it.
  }

  private static class Reply<T> implements StreamObserver<T> {
    private final Outcome outcome;

    Reply(Outcome outcome) {
      this.outcome = outcome;
    }

    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {
      outcome.failed(t);
    }

    @Override
    public void onCompleted() {
      outcome.succeeded();
    }
  }
}
