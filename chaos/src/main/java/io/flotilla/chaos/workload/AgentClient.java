package io.flotilla.chaos.workload;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.RangeCall;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.chaos.history.EventType;
import io.flotilla.consensus.proto.KeyValue;
import io.flotilla.consensus.proto.PutRequest;
import io.flotilla.consensus.proto.RangeRequest;
import io.flotilla.consensus.proto.RangeResponse;
import io.flotilla.consensus.proto.TxnRequest;
import io.flotilla.consensus.proto.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client process's connection to one agent node, with a deadline on every call. It decides
 * what an error means for the history: only an answer from the fleet that the request was
 * refused is {@code fail}; a timeout or a lost connection is {@code info} (it may have happened).
 */
public final class AgentClient {
  private final Supplier<ManagedChannel> channel;
  private final Duration timeout;

  public AgentClient(Supplier<ManagedChannel> channel, Duration timeout) {
    this.channel = channel;
    this.timeout = timeout;
  }

  /** The node's channel, for the services this class does not wrap. */
  public ManagedChannel channel() {
    return channel.get();
  }

  private KVGrpc.KVBlockingStub kv() {
    return KVGrpc.newBlockingStub(channel.get())
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public long put(String key, String value) {
    return kv().put(PutCall.newBuilder().setPut(PutRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))).build())
        .getRevision();
  }

  public Optional<KeyValue> get(String key) {
    RangeResponse r = kv().range(RangeCall.newBuilder()
        .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))).build());
    return r.getKvsCount() == 0 ? Optional.empty() : Optional.of(r.getKvs(0));
  }

  public RangeResponse prefix(String prefix) {
    return kv().range(RangeCall.newBuilder().setRange(RangeRequest.newBuilder()
        .setKey(ByteString.copyFromUtf8(prefix)).setPrefix(true)).build());
  }

  public TxnResponse txn(TxnRequest txn) {
    return kv().txn(TxnCall.newBuilder().setTxn(txn).build());
  }

  /**
   * What a failed call tells the history: {@code fail} when the fleet refused the request, or
   * when the connection was refused so the request never left this process; otherwise
   * {@code info}.
   */
  public static EventType outcomeOf(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case INVALID_ARGUMENT, NOT_FOUND, OUT_OF_RANGE, FAILED_PRECONDITION, PERMISSION_DENIED,
          ALREADY_EXISTS -> EventType.FAIL;
      case UNAVAILABLE -> neverSent(e) ? EventType.FAIL : EventType.INFO;
      default -> EventType.INFO;
    };
  }

  private static boolean neverSent(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

}
