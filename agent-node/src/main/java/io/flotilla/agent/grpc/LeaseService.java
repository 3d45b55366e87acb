package io.flotilla.agent.grpc;

import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
import io.flotilla.agent.calls.Caller;
import io.flotilla.agent.limits.LeaseQuota;
import io.flotilla.consensus.proto.LeaseGrantResponse;
import io.flotilla.consensus.proto.LeaseKeepAliveResponse;
import io.flotilla.consensus.proto.LeaseListResponse;
import io.flotilla.consensus.proto.LeaseRevokeResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/**
 * Leases: grant, revoke, list, and a keep-alive stream. A grant over the caller's
 * {@code client-limits.leases} is refused with {@code RESOURCE_EXHAUSTED}; every call is
 * refused where this node's side of the group has no quorum (see {@link QuorumGate}).
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final Groups groups;
  private final QuorumGate quorum;
  private final LeaseQuota quota;

  public LeaseService(Groups groups, QuorumGate quorum, LeaseQuota quota) {
    this.groups = groups;
    this.quorum = quorum;
    this.quota = quota;
  }

  @Override
  public void grant(LeaseGrantCall call, StreamObserver<LeaseGrantResponse> out) {
    try {
      var client = groups.client(call.getGroup());
      String group = groups.resolve(call.getGroup());
      Calls.reply(quota.grant(Caller.current(), group, () -> quorum.send(group,
          () -> client.grantLeaseAsync(Duration.ofMillis(call.getTtlMillis())))), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void revoke(LeaseCall call, StreamObserver<LeaseRevokeResponse> out) {
    String caller = Caller.current();
    try {
      var client = groups.client(call.getGroup());
      Calls.reply(quorum.send(groups.resolve(call.getGroup()),
          () -> client.revokeLeaseAsync(call.getId())).whenComplete((reply, error) -> {
            if (error == null
                || Errors.toStatus(error).getStatus().getCode() == Status.Code.NOT_FOUND) {
              quota.revoked(caller, groups.resolve(call.getGroup()), call.getId());
            }
          }), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void list(GroupCall call, StreamObserver<LeaseListResponse> out) {
    try {
      var client = groups.client(call.getGroup());
      Calls.reply(quorum.send(groups.resolve(call.getGroup()), client::leasesAsync), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public StreamObserver<LeaseCall> keepAlive(StreamObserver<LeaseKeepAliveResponse> out) {
    return new StreamObserver<>() {
      private boolean ended;

      @Override
      public void onNext(LeaseCall call) {
        try {
          var client = groups.client(call.getGroup());
          quorum.send(groups.resolve(call.getGroup()), () -> client.keepAliveAsync(call.getId()))
              .whenComplete((reply, error) -> send(reply, error));
        } catch (RuntimeException e) {
          send(null, e);
        }
      }

      // Replies complete on different threads; a stream takes one message at a time.
      private synchronized void send(LeaseKeepAliveResponse reply, Throwable error) {
        if (ended) {
          return;
        }
        if (error != null) {
          ended = true;
          out.onError(Errors.toStatus(error));
        } else {
          out.onNext(reply);
        }
      }

      @Override
      public void onError(Throwable t) {
        end();
      }

      @Override
      public synchronized void onCompleted() {
        if (!ended) {
          ended = true;
          out.onCompleted();
        }
      }

      private synchronized void end() {
        ended = true;
      }
    };
  }
}
