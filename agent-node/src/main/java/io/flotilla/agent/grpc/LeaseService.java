package io.flotilla.agent.grpc;

import io.flotilla.agent.api.GroupCall;
import io.flotilla.agent.api.LeaseCall;
import io.flotilla.agent.api.LeaseGrantCall;
import io.flotilla.agent.api.LeaseGrpc;
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
 * {@code client-limits.leases} is refused with {@code RESOURCE_EXHAUSTED}.
 */
public final class LeaseService extends LeaseGrpc.LeaseImplBase {
  private final Groups groups;
  private final LeaseQuota quota;

  public LeaseService(Groups groups, LeaseQuota quota) {
    this.groups = groups;
    this.quota = quota;
  }

  @Override
  public void grant(LeaseGrantCall call, StreamObserver<LeaseGrantResponse> out) {
    try {
      var client = groups.client(call.getGroup());
      Calls.reply(quota.grant(Caller.current(), groups.resolve(call.getGroup()),
          () -> client.grantLeaseAsync(Duration.ofMillis(call.getTtlMillis()))), out);
    } catch (RuntimeException e) {
      out.onError(Errors.toStatus(e));
    }
  }

  @Override
  public void revoke(LeaseCall call, StreamObserver<LeaseRevokeResponse> out) {
    String caller = Caller.current();
    try {
      Calls.reply(groups.client(call.getGroup()).revokeLeaseAsync(call.getId())
          .whenComplete((reply, error) -> {
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
      Calls.reply(groups.client(call.getGroup()).leasesAsync(), out);
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
          groups.client(call.getGroup()).keepAliveAsync(call.getId())
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
