package io.flotilla.agent.access;

import com.google.protobuf.ByteString;
import io.flotilla.agent.api.CampaignCall;
import io.flotilla.agent.api.ClusterGrpc;
import io.flotilla.agent.api.DeleteCall;
import io.flotilla.agent.api.ElectionGrpc;
import io.flotilla.agent.api.KVGrpc;
import io.flotilla.agent.api.LeaderKey;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.api.ProclaimCall;
import io.flotilla.agent.api.PutCall;
import io.flotilla.agent.api.StatusGrpc;
import io.flotilla.agent.api.TxnCall;
import io.flotilla.agent.api.WatchGrpc;
import io.flotilla.agent.calls.Caller;
import io.flotilla.consensus.proto.RequestOp;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces an {@link AccessPolicy} on every call of the agent API before the service sees it:
 * a refused call ends with {@code PERMISSION_DENIED} and a one-line reason, and changes nothing.
 * Calls that write keys are checked against the keys in their request; a method not listed
 * here needs {@link Role#ADMIN}, so a new method is closed until it is classified.
 */
public final class AccessInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AccessInterceptor.class);

  /** What a call needs, from its request (null request: decided when the call starts). */
  private record Need(Role role, Function<Object, List<ByteString>> writes) {
    static Need of(Role role) {
      return new Need(role, null);
    }
  }

  private static final Map<String, Need> NEEDS = new HashMap<>();

  static {
    need(KVGrpc.getRangeMethod(), Need.of(Role.READ));
    need(KVGrpc.getPutMethod(), new Need(Role.WRITE, m -> List.of(((PutCall) m).getPut().getKey())));
    need(KVGrpc.getDeleteMethod(),
        new Need(Role.WRITE, m -> List.of(((DeleteCall) m).getDelete().getKey())));
    need(KVGrpc.getTxnMethod(), new Need(Role.READ, m -> txnWrites((TxnCall) m)));
    need(LeaseGrpc.getGrantMethod(), Need.of(Role.WRITE));
    need(LeaseGrpc.getRevokeMethod(), Need.of(Role.WRITE));
    need(LeaseGrpc.getKeepAliveMethod(), Need.of(Role.WRITE));
    need(LeaseGrpc.getListMethod(), Need.of(Role.READ));
    need(WatchGrpc.getWatchMethod(), Need.of(Role.READ));
    need(ElectionGrpc.getCampaignMethod(),
        new Need(Role.WRITE, m -> List.of(electionKeys(((CampaignCall) m).getName()))));
    need(ElectionGrpc.getProclaimMethod(), new Need(Role.WRITE,
        m -> List.of(electionKeys(((ProclaimCall) m).getLeader().getName()))));
    need(ElectionGrpc.getResignMethod(),
        new Need(Role.WRITE, m -> List.of(electionKeys(((LeaderKey) m).getName()))));
    need(ElectionGrpc.getLeaderMethod(), Need.of(Role.READ));
    need(ElectionGrpc.getObserveMethod(), Need.of(Role.READ));
    need(ClusterGrpc.getMemberListMethod(), Need.of(Role.READ));
    need(ClusterGrpc.getListAgentsMethod(), Need.of(Role.READ));
    need(ClusterGrpc.getStateDigestMethod(), Need.of(Role.READ));
    need(ClusterGrpc.getReportHealthMethod(), Need.of(Role.WRITE));
    need(StatusGrpc.getStatusMethod(), Need.of(Role.READ));
  }

  private static void need(MethodDescriptor<?, ?> method, Need need) {
    NEEDS.put(method.getFullMethodName(), need);
  }

  /** The keys under which an election keeps its candidates (see consensus Election). */
  private static ByteString electionKeys(String name) {
    return ByteString.copyFromUtf8("election/" + name + "/");
  }

  /** A transaction that only compares and reads needs READ; its writes are checked by key. */
  private static List<ByteString> txnWrites(TxnCall call) {
    List<ByteString> keys = new ArrayList<>();
    List<RequestOp> ops = new ArrayList<>(call.getTxn().getSuccessList());
    ops.addAll(call.getTxn().getFailureList());
    for (RequestOp op : ops) {
      switch (op.getRequestCase()) {
        case PUT -> keys.add(op.getPut().getKey());
        case DELETE -> keys.add(op.getDelete().getKey());
        default -> { }
      }
    }
    return keys;
  }

  private final AccessPolicy policy;
  private final AtomicLong denied = new AtomicLong();

  public AccessInterceptor(AccessPolicy policy) {
    this.policy = policy;
  }

  /** Calls refused so far. */
  public long denied() {
    return denied.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String client = Caller.current();
    String method = call.getMethodDescriptor().getFullMethodName();
    Need need = NEEDS.getOrDefault(method, Need.of(Role.ADMIN));
    if (need.writes() == null) {
      Optional<String> refusal = policy.refusal(client, need.role(), List.of());
      if (refusal.isPresent()) {
        deny(call, method, refusal.get());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        if (message == null) {
          // Did not parse: the service's MalformedRequests gate refuses it.
          super.onMessage(message);
          return;
        }
        List<ByteString> keys = need.writes().apply(message);
        Role role = keys.isEmpty() ? need.role() : Role.WRITE;
        Optional<String> refusal = policy.refusal(client, role, keys);
        if (refusal.isPresent()) {
          refused = true;
          deny(call, method, refusal.get());
          return;
        }
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  private void deny(ServerCall<?, ?> call, String method, String reason) {
    denied.incrementAndGet();
    LOG.warn("denied {}: {}", method, reason);
    call.close(Status.PERMISSION_DENIED.withDescription(reason), new Metadata());
  }
}
